import type { Department, Municipality } from '../../schemas/municipality.js';
import type { PermitPartDeclaration, PermitTypeDeclaration } from '../../schemas/permits/index.js';
import type { CaseRecord } from '../shared/case-model.js';
import type { PdfLine } from './pdf.js';

export type PermitOutcome = 'granted' | 'refused' | 'not-decided';

export interface PartOutcome {
  readonly part: PermitPartDeclaration;
  readonly department: Department;
  readonly outcome: 'approved' | 'rejected' | 'not-decided';
  readonly reason?: string;
}

/** The decision letter's text, in Swedish: diarienummer, the overall decision, and each part's decision and reason. */
export function letterLines(input: {
  record: CaseRecord;
  declaration: PermitTypeDeclaration;
  parts: readonly PartOutcome[];
  outcome: PermitOutcome;
  municipality: Municipality;
  date: Date;
}): PdfLine[] {
  const { record, declaration, parts, outcome, municipality } = input;
  const date = new Intl.DateTimeFormat('sv-SE', { timeZone: municipality.timeZone, dateStyle: 'long' }).format(input.date);
  const company = (record.answers.company as { name?: string; organisationsnummer?: string } | undefined) ?? {};
  const verdict = {
    granted: 'Ansökan beviljas.',
    refused: 'Ansökan avslås.',
    'not-decided': 'Ansökan kunde inte beslutas i sin helhet inom tidsfristen. Kommunen återkommer.',
  }[outcome];
  return [
    { text: municipality.name.sv, size: 16, bold: true },
    { text: `Beslut`, size: 14, bold: true, spaceBefore: 18 },
    { text: `Diarienummer: ${record.diarienummer}`, spaceBefore: 6 },
    { text: `Datum: ${date}` },
    { text: `Ärende: ${declaration.title.sv}` },
    ...(company.name ? [{ text: `Sökande: ${company.name}${company.organisationsnummer ? ` (${company.organisationsnummer})` : ''}` }] : []),
    { text: verdict, size: 12, bold: true, spaceBefore: 18 },
    { text: 'Beslut per del', size: 12, bold: true, spaceBefore: 18 },
    ...parts.flatMap((p) => [
      { text: `${p.part.title.sv} – ${p.department.name.sv}`, bold: true, spaceBefore: 10 },
      { text: `Beslut: ${{ approved: 'Beviljas', rejected: 'Avslås', 'not-decided': 'Ej beslutad inom tidsfristen' }[p.outcome]}` },
      ...(p.reason ? [{ text: `Motivering: ${p.reason}` }] : []),
    ]),
    {
      text: 'Hur man överklagar: skriv till den nämnd som fattat beslutet inom tre veckor från den dag du tog del av beslutet. Ange diarienumret.',
      size: 9,
      spaceBefore: 24,
    },
  ];
}
