import type { FormDeclaration, SubmissionReceipt } from '../../schemas/forms/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import type { CaseRecord } from '../shared/case-model.js';
import { registerYear, submitterOf, valueAt } from '../shared/case-model.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { departmentById, publicBaseUrl } from '../shared/config.js';
import type { Caller } from '../shared/http.js';
import { hashAccessCode, newAccessCode, newUlid } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { escapeHtml, type SendMail } from '../shared/mail.js';
import { answersJsonSchema, secretPaths } from './form-documents.js';

export interface SubmitFormDeps {
  readonly cases: CaseRepository;
  readonly sendMail: SendMail;
  readonly municipality: Municipality;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface SubmitFormInput {
  readonly form: FormDeclaration;
  /** Already validated against the form's schema. */
  readonly answers: Record<string, unknown>;
  readonly caller: Caller;
}

const secretPathsByForm = new Map<string, string[]>();

/** A submitted form becomes a case in its department's register series, and the submitter gets a receipt. */
export async function submitForm(deps: SubmitFormDeps, input: SubmitFormInput): Promise<SubmissionReceipt> {
  const { form, answers, caller } = input;
  const department = departmentById(deps.municipality, form.departmentId);
  const now = deps.now();
  const at = now.toISOString();
  const accessCode = newAccessCode();
  const contactEmail = valueAt(answers, form.receiptEmailPath);
  let secrets = secretPathsByForm.get(form.formId);
  if (!secrets) secretPathsByForm.set(form.formId, (secrets = secretPaths(answersJsonSchema(form))));

  const record = await deps.cases.createCase(
    {
      caseId: newUlid(now.getTime()),
      series: department.registerSeries,
      year: registerYear(now, deps.municipality.timeZone),
      kind: 'form',
      subject: form.formId,
      title: form.title,
      departmentId: department.id,
      ownerSub: caller.kind === 'resident' ? caller.sub : undefined,
      accessCodeHash: hashAccessCode(accessCode),
      answers: { ...answers },
      secretPaths: secrets,
      contactEmail: typeof contactEmail === 'string' ? contactEmail : undefined,
      createdAt: at,
    },
    { type: 'submitted', at, actor: submitterOf(caller), data: { formId: form.formId, formVersion: form.version } },
  );

  const caseUrl = `${publicBaseUrl(deps.municipality)}/cases/${record.caseId}?accessCode=${encodeURIComponent(accessCode)}`;
  if (record.contactEmail) {
    // The case is registered whatever happens to the mail; a failed receipt is logged, not a failed submission.
    await deps.sendMail(receiptMail(record, form, deps.municipality, caseUrl, accessCode)).catch((error: unknown) => {
      deps.log.error('receipt mail failed', { caseId: record.caseId, error });
    });
  }
  return { caseId: record.caseId, diarienummer: record.diarienummer, accessCode, status: record.status, caseUrl };
}

export function receiptMail(record: CaseRecord, form: FormDeclaration, municipality: Municipality, caseUrl: string, accessCode: string) {
  const department = departmentById(municipality, record.departmentId);
  const text = [
    `Hej!`,
    ``,
    `${municipality.name.sv} har tagit emot ditt ärende "${form.title.sv}".`,
    `Diarienummer: ${record.diarienummer}`,
    `Handläggs av: ${department.name.sv}`,
    `Följ ärendet: ${caseUrl}`,
    `Din åtkomstkod: ${accessCode} (spara den; den visas inte igen)`,
    ``,
    `---`,
    ``,
    `Hello,`,
    ``,
    `${municipality.name.en} has received your case "${form.title.en}".`,
    `Case number: ${record.diarienummer}`,
    `Handled by: ${department.name.en}`,
    `Follow the case: ${caseUrl}`,
    `Your access code: ${accessCode} (keep it; it is not shown again)`,
  ].join('\n');
  const html = `<!doctype html><html lang="sv"><body>
<p>Hej!</p>
<p>${escapeHtml(municipality.name.sv)} har tagit emot ditt ärende <strong>${escapeHtml(form.title.sv)}</strong>.</p>
<p>Diarienummer: <strong>${escapeHtml(record.diarienummer)}</strong><br>Handläggs av: ${escapeHtml(department.name.sv)}</p>
<p><a href="${escapeHtml(caseUrl)}">Följ ärendet</a></p>
<p>Din åtkomstkod: <code>${escapeHtml(accessCode)}</code></p>
<hr>
<div lang="en"><p>Hello,</p>
<p>${escapeHtml(municipality.name.en)} has received your case <strong>${escapeHtml(form.title.en)}</strong>. Case number: <strong>${escapeHtml(record.diarienummer)}</strong>.</p>
<p><a href="${escapeHtml(caseUrl)}">Follow the case</a></p></div>
</body></html>`;
  return { to: [record.contactEmail!], subject: `Vi har tagit emot ditt ärende ${record.diarienummer} / Case received`, text, html };
}
