import { createHash } from 'node:crypto';
import { findPermitType, type PermitPartDeclaration, type PermitTypeDeclaration } from '../../schemas/permits/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import type { CaseEvent, CaseRecord } from '../shared/case-model.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { departmentById, publicBaseUrl } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import type { SendMail } from '../shared/mail.js';
import { letterLines, type PartOutcome, type PermitOutcome } from './decision-letter.js';
import { renderPdf } from './pdf.js';
import { hashTaskId, newTaskId, type PartState, type PermitStore } from './permit-store.js';

/** A mail, possibly with attachments (the decision letter). */
/** Stores a document in the archive bucket with its SHA-256. */
export type ArchiveDocument = (document: { key: string; body: Buffer; contentType: string; sha256: string; metadata: Record<string, string> }) => Promise<void>;

export interface WorkflowDeps {
  readonly cases: CaseRepository;
  readonly permits: PermitStore;
  readonly sendMail: SendMail;
  readonly archive: ArchiveDocument;
  readonly municipality: Municipality;
  readonly now: () => Date;
  readonly log: Logger;
  /** Length of a permit day in milliseconds, as the state machine counts it. */
  readonly dayMs: number;
}

/** The payload the state machine sends (ids only). */
export interface WorkflowEvent {
  readonly action: 'open' | 'remind' | 'escalate' | 'expire' | 'request-info' | 'finalize';
  readonly caseId: string;
  readonly permitType: string;
  readonly partId?: string;
  readonly token?: string;
  readonly reason?: 'deadline' | 'no-answer';
}

const system = { kind: 'system' } as const;

function declarationOf(permitType: string): PermitTypeDeclaration {
  const declaration = findPermitType(permitType);
  if (!declaration) throw new Error(`unknown permit type ${permitType}`);
  return declaration;
}

function partOf(declaration: PermitTypeDeclaration, partId: string | undefined): PermitPartDeclaration {
  const part = declaration.parts.find((p) => p.partId === partId);
  if (!part) throw new Error(`permit type ${declaration.permitType} has no part ${partId}`);
  return part;
}

async function caseOf(deps: WorkflowDeps, caseId: string): Promise<{ record: CaseRecord; events: CaseEvent[] }> {
  const found = await deps.cases.getCase(caseId);
  if (!found) throw new Error(`case ${caseId} does not exist`);
  return found;
}

/** How long a new workflow's first step waits for its case, which is written just after the start. */
export const CASE_REGISTRATION_WAIT_MS = 5000;

/** The case of a workflow that may have started a moment before its case was written. */
async function registeredCase(deps: WorkflowDeps, caseId: string): Promise<{ record: CaseRecord; events: CaseEvent[] }> {
  const deadline = Date.now() + CASE_REGISTRATION_WAIT_MS;
  for (;;) {
    const found = await deps.cases.getCase(caseId);
    if (found) return found;
    // Never written (the registration failed): the execution fails here and leaves nothing behind.
    if (Date.now() > deadline) throw new Error(`case ${caseId} was not registered`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const dateSv = (iso: string, timeZone: string) => new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));

/** Mails a department a task link for a part: a new task id each time, only its hash stored. */
async function mailTask(
  deps: WorkflowDeps,
  kind: 'new' | 'reminder' | 'escalation',
  record: CaseRecord,
  declaration: PermitTypeDeclaration,
  part: PermitPartDeclaration,
  state: PartState,
  deadline: string,
) {
  const department = departmentById(deps.municipality, part.departmentId);
  const taskId = newTaskId();
  await deps.permits.putTask({
    taskIdHash: hashTaskId(taskId),
    caseId: record.caseId,
    partId: part.partId,
    departmentId: part.departmentId,
    permitType: declaration.permitType,
    round: state.round,
    createdAt: deps.now().toISOString(),
    // Every link of a round stays valid until the part itself expires (after the escalation).
    expiresAt: state.expiresAt,
  });
  const link = `${publicBaseUrl(deps.municipality)}/tasks/${taskId}`;
  const deadlineText = dateSv(deadline, deps.municipality.timeZone);
  const lead = {
    new: `Ett nytt ärende väntar på ert beslut.`,
    reminder: `Påminnelse: ärendet väntar fortfarande på ert beslut.`,
    escalation: `Eskalering: tidsfristen för ärendet har passerat utan beslut.`,
  }[kind];
  const subjectPrefix = { new: 'Att besluta', reminder: 'Påminnelse', escalation: 'Eskalering' }[kind];
  await deps.sendMail({
    to: kind === 'escalation' ? [department.headEmail, department.email] : [department.email],
    subject: `${subjectPrefix}: ${record.diarienummer} ${part.title.sv}`,
    text: [
      lead,
      ``,
      `Ärende: ${record.diarienummer} – ${declaration.title.sv}`,
      `Er del: ${part.title.sv}`,
      `Sista dag för beslut: ${deadlineText}`,
      ``,
      `Öppna uppgiften (att öppna länken beslutar ingenting): ${link}`,
      ``,
      `---`,
      `${{ new: 'A new task awaits your decision', reminder: 'Reminder: a task awaits your decision', escalation: 'Escalation: the deadline has passed without a decision' }[kind]}: ${record.diarienummer}, ${part.title.en}. ${link}`,
    ].join('\n'),
  });
}

/** Opens a round of a part: stores the callback token and mails the department its task. */
export async function openTask(deps: WorkflowDeps, event: WorkflowEvent): Promise<void> {
  const declaration = declarationOf(event.permitType);
  const part = partOf(declaration, event.partId);
  const { record } = await registeredCase(deps, event.caseId);
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + (part.deadlineDays + part.escalationDays) * deps.dayMs).toISOString();
  const state = await deps.permits.openRound({ caseId: record.caseId, partId: part.partId, departmentId: part.departmentId, permitType: declaration.permitType }, event.token!, expiresAt);
  await mailTask(deps, 'new', record, declaration, part, state, new Date(now.getTime() + part.deadlineDays * deps.dayMs).toISOString());
  await deps.cases.appendEvents(record.caseId, [
    { type: 'part-opened', at: now.toISOString(), actor: system, data: { partId: part.partId, departmentId: part.departmentId, round: state.round } },
  ]);
}

/** Reminder before the deadline, or escalation to the department head at it: a new token, a new link. */
export async function remindOrEscalate(deps: WorkflowDeps, event: WorkflowEvent): Promise<void> {
  const kind = event.action === 'escalate' ? 'escalation' : 'reminder';
  const declaration = declarationOf(event.permitType);
  const part = partOf(declaration, event.partId);
  const state = await deps.permits.replaceToken(event.caseId, part.partId, event.token!);
  // Decided meanwhile: the decision is delivered with the new token by whoever decided.
  if (!state || state.status !== 'open') return;
  const { record } = await caseOf(deps, event.caseId);
  const deadline = kind === 'reminder' ? new Date(deps.now().getTime() + part.reminderDaysBefore * deps.dayMs).toISOString() : state.expiresAt;
  await mailTask(deps, kind, record, declaration, part, state, deadline);
  await deps.cases.appendEvents(record.caseId, [
    { type: kind === 'reminder' ? 'part-reminded' : 'part-escalated', at: deps.now().toISOString(), actor: system, data: { partId: part.partId, departmentId: part.departmentId } },
  ]);
}

/** The last timeout of a part: a decision that was taken meanwhile stands; otherwise the part expires undecided. */
export async function expirePart(deps: WorkflowDeps, event: WorkflowEvent): Promise<{ outcome: string }> {
  const declaration = declarationOf(event.permitType);
  const part = partOf(declaration, event.partId);
  const state = await deps.permits.expire(event.caseId, part.partId);
  if (state && state.status === 'decided' && state.outcome) return { outcome: state.outcome };
  await deps.cases.appendEvents(event.caseId, [
    { type: 'part-expired', at: deps.now().toISOString(), actor: system, data: { partId: part.partId, departmentId: part.departmentId, reason: event.reason ?? 'deadline' } },
  ]);
  return { outcome: 'expired' };
}

/** A department asked for information: the workflow waits for the applicant, who gets the question by mail. */
export async function requestInformation(deps: WorkflowDeps, event: WorkflowEvent): Promise<void> {
  const declaration = declarationOf(event.permitType);
  const part = partOf(declaration, event.partId);
  const state = await deps.permits.awaitApplicant(event.caseId, part.partId, event.token!);
  const { record } = await caseOf(deps, event.caseId);
  const department = departmentById(deps.municipality, part.departmentId);
  await deps.cases.appendEvents(record.caseId, [
    { type: 'information-requested', at: deps.now().toISOString(), actor: system, data: { partId: part.partId, departmentId: part.departmentId, question: state.question } },
  ]);
  if (!record.contactEmail) return;
  const answerBy = dateSv(new Date(deps.now().getTime() + part.answerDays * deps.dayMs).toISOString(), deps.municipality.timeZone);
  await deps.sendMail({
    to: [record.contactEmail],
    subject: `Komplettering behövs: ${record.diarienummer} / More information needed`,
    text: [
      `Hej!`,
      ``,
      `${department.name.sv} behöver mer information för att besluta om "${part.title.sv}" i ditt ärende ${record.diarienummer}:`,
      ``,
      state.question ?? '',
      ``,
      `Svara senast ${answerBy} med POST ${publicBaseUrl(deps.municipality)}/cases/${record.caseId}/supplements (med din åtkomstkod).`,
      ``,
      `---`,
      `${department.name.en} needs more information about "${part.title.en}" in your case ${record.diarienummer} (see the question above).`,
    ].join('\n'),
  });
}

/** Every part is decided: the decision letter (PDF) goes to the archive with its SHA-256 and to the applicant. */
export async function finalizePermit(deps: WorkflowDeps, event: WorkflowEvent): Promise<{ outcome: PermitOutcome; archiveKey: string; sha256: string }> {
  const declaration = declarationOf(event.permitType);
  const { record, events } = await caseOf(deps, event.caseId);
  const done = events.find((e) => e.type === 'permit-decided');
  if (done) return { outcome: done.data?.outcome as PermitOutcome, archiveKey: String(done.data?.archiveKey), sha256: String(done.data?.sha256) };

  const states = new Map((await deps.permits.listParts(record.caseId)).map((p) => [p.partId, p]));
  const parts: PartOutcome[] = declaration.parts.flatMap((part) => {
    const state = states.get(part.partId);
    if (!state) return [];
    const outcome = state.status === 'expired' ? 'not-decided' : state.outcome === 'approve' ? 'approved' : 'rejected';
    return [{ part, department: departmentById(deps.municipality, part.departmentId), outcome, reason: state.reason ?? undefined }];
  });
  const outcome: PermitOutcome = parts.some((p) => p.outcome === 'rejected')
    ? 'refused'
    : parts.every((p) => p.outcome === 'approved')
      ? 'granted'
      : 'not-decided';

  const now = deps.now();
  const pdf = renderPdf(letterLines({ record, declaration, parts, outcome, municipality: deps.municipality, date: now }), {
    title: `Beslut ${record.diarienummer}`,
    author: deps.municipality.name.sv,
    created: now,
  });
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const fileName = `beslut-${record.diarienummer.replace(/[^A-Za-z0-9ÅÄÖåäö]+/g, '-')}.pdf`;
  const archiveKey = `permits/${record.caseId}/${fileName}`;
  await deps.archive({
    key: archiveKey,
    body: pdf,
    contentType: 'application/pdf',
    sha256,
    metadata: { sha256, diarienummer: encodeURIComponent(record.diarienummer), 'document-class': 'permit-decision' },
  });
  await deps.cases.appendEvents(record.caseId, [
    { type: 'permit-decided', at: now.toISOString(), actor: system, data: { outcome, archiveKey, sha256, parts: parts.map((p) => ({ partId: p.part.partId, outcome: p.outcome })) } },
  ]);
  if (record.contactEmail) {
    const verdict = { granted: 'beviljas', refused: 'avslås', 'not-decided': 'kunde inte beslutas i sin helhet' }[outcome];
    await deps.sendMail({
      to: [record.contactEmail],
      subject: `Beslut i ärende ${record.diarienummer} / Decision`,
      text: [
        `Hej!`,
        ``,
        `Din ansökan "${declaration.title.sv}" (${record.diarienummer}) ${verdict}.`,
        ...parts.map((p) => `- ${p.part.title.sv} (${p.department.name.sv}): ${{ approved: 'beviljad', rejected: 'avslagen', 'not-decided': 'ej beslutad inom tidsfristen' }[p.outcome]}${p.reason ? ` – ${p.reason}` : ''}`),
        ``,
        `Beslutsbrevet finns bifogat (${fileName}) och är arkiverat med kontrollsumman SHA-256 ${sha256}.`,
        ``,
        `---`,
        `Decision on your application "${declaration.title.en}" (${record.diarienummer}): ${outcome}. The letter is attached.`,
      ].join('\n'),
      attachments: [{ fileName, contentType: 'application/pdf', content: pdf }],
    });
  }
  return { outcome, archiveKey, sha256 };
}
