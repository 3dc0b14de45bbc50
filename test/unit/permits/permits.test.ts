import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyForPermit, type PermitWorkflows } from '../../../functions/permits/apply-for-permit.js';
import { renderPdf } from '../../../functions/permits/pdf.js';
import { taskPage } from '../../../functions/permits/task-page.js';
import { hashTaskId } from '../../../functions/permits/permit-store.js';
import { addSupplement } from '../../../functions/permits/supplements.js';
import { decideTask, readTask } from '../../../functions/permits/tasks.js';
import { expirePart, finalizePermit, openTask, remindOrEscalate, requestInformation, type WorkflowDeps } from '../../../functions/permits/workflow-steps.js';
import { caseView } from '../../../functions/shared/case-view.js';
import { loadMunicipality } from '../../../functions/shared/config.js';
import type { Caller } from '../../../functions/shared/http.js';
import { outdoorSeatingPermit, restaurantPermit } from '../../../schemas/permits/index.js';
import { restaurantApplicationSchema } from '../../../schemas/permits/restaurant.js';
import { memoryCaseRepository, recordingMailer, silentLogger } from '../fakes.js';
import { memoryPermitStore } from './fakes.js';

const municipality = loadMunicipality();
const DAY_MS = 1000;

function harness(start = new Date('2026-12-04T10:00:00Z')) {
  let now = start;
  const cases = memoryCaseRepository();
  const permits = memoryPermitStore();
  const sendMail = recordingMailer();
  const archived: { key: string; body: Buffer; sha256: string; metadata: Record<string, string> }[] = [];
  const started: { permitType: string; input: unknown }[] = [];
  const sent: { token: string; output: Record<string, unknown> }[] = [];
  const failing: { tokens: Set<string> } = { tokens: new Set() };
  const workflows: PermitWorkflows = {
    async start(permitType, _caseId, input) {
      started.push({ permitType, input });
    },
    async sendTaskSuccess(token, output) {
      if (failing.tokens.has(token)) throw Object.assign(new Error('timed out'), { name: 'TaskTimedOut' });
      sent.push({ token, output });
    },
  };
  const clock = { now: () => now, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
  const workflowDeps: WorkflowDeps = {
    cases,
    permits,
    sendMail,
    archive: async (doc) => void archived.push(doc),
    municipality,
    now: clock.now,
    log: silentLogger(),
    dayMs: DAY_MS,
  };
  const taskDeps = { cases, permits, workflows, now: clock.now, log: silentLogger(), retryDelayMs: 1 };
  return { cases, permits, sendMail, archived, started, sent, failing, workflows, clock, workflowDeps, taskDeps };
}

const anonymous: Caller = { kind: 'anonymous' };
const officer = (department: string): Caller => ({ kind: 'officer', sub: `officer-${department}`, departments: [department] });
const application = (overrides: Record<string, unknown> = {}) =>
  restaurantApplicationSchema.parse({
    company: { organisationsnummer: '556036-0793', name: 'Munksjö Bistro AB' },
    premises: { name: 'Bistro', address: { street: 'Hamnkanalen 3', postalCode: '55318', city: 'Jönköping' }, seats: 40 },
    openingHours: [{ days: 'every-day', opens: '11:00', closes: '22:00' }],
    servesAlcohol: false,
    changesUseOfPremises: true,
    contact: { name: 'Sara', email: 'sara@example.se' },
    ...overrides,
  }) as Record<string, unknown>;

async function submitted(h: ReturnType<typeof harness>, overrides: Record<string, unknown> = {}) {
  return applyForPermit({ ...h.taskDeps, sendMail: h.sendMail, municipality }, { declaration: restaurantPermit, application: application(overrides), caller: anonymous });
}

/** Opens a part's task and returns the task id from its mail. */
async function opened(h: ReturnType<typeof harness>, caseId: string, partId: string, token = `token-${partId}-1`) {
  await openTask(h.workflowDeps, { action: 'open', caseId, permitType: 'restaurant', partId, token });
  return /\/tasks\/([A-Za-z0-9_-]{32})/.exec(h.sendMail.sent.at(-1)!.text)![1]!;
}

describe('applyForPermit', () => {
  it('registers the case in the coordinating department and starts the workflow with the parts that apply', async () => {
    const h = harness();
    const receipt = await submitted(h);
    expect(receipt.diarienummer).toMatch(/^MHN 2026:\d+$/);
    expect(h.started).toEqual([
      { permitType: 'restaurant', input: { caseId: receipt.caseId, permitType: 'restaurant', parts: { livsmedel: true, servering: false, bygglov: true, brandskydd: true } } },
    ]);
    const events = h.cases.events.get(receipt.caseId)!;
    expect(events.map((e) => e.type)).toEqual(['submitted', 'workflow-started']);
    expect(h.sendMail.sent[0]!.to).toEqual(['sara@example.se']);
    expect(h.sendMail.sent[0]!.text).toContain('Bygglov för ändrad användning');
    expect(h.sendMail.sent[0]!.text).not.toContain('Serveringstillstånd');
  });

  it('fails when Step Functions cannot take the application, and registers nothing (a retry starts afresh)', async () => {
    const h = harness();
    const unavailable: PermitWorkflows = {
      ...h.workflows,
      start: async () => {
        throw Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' });
      },
    };
    await expect(
      applyForPermit({ ...h.taskDeps, workflows: unavailable, sendMail: h.sendMail, municipality }, { declaration: restaurantPermit, application: application(), caller: anonymous }),
    ).rejects.toThrow('service unavailable');
    expect(h.cases.records.size).toBe(0);
    expect(h.sendMail.sent).toEqual([]);
  });

  it("opens a part's task when its case is written just after the workflow started", async () => {
    // The workflow starts before the case is written; its first step waits for the case.
    const h = harness();
    const receipt = await submitted(h);
    const late = harness();
    const opening = openTask(late.workflowDeps, { action: 'open', caseId: receipt.caseId, permitType: 'restaurant', partId: 'livsmedel', token: 't-1' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const record = h.cases.records.get(receipt.caseId)!;
    await late.cases.createCase({ ...record }, { type: 'submitted', at: record.createdAt, actor: { kind: 'resident' } });
    await opening;
    expect(late.cases.events.get(receipt.caseId)!.map((e) => e.type)).toEqual(['submitted', 'part-opened']);
  });

  it('fails when the organisationsnummer has a wrong check digit', () => {
    expect(() => application({ company: { organisationsnummer: '556036-0794', name: 'X AB' } })).toThrow(/check digit/);
  });
});

describe('department tasks', () => {
  it('mails a random task id of 192 bits and stores only its hash, with the token', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    const taskId = await opened(h, caseId, 'livsmedel');
    expect(Buffer.from(taskId, 'base64url')).toHaveLength(24);
    expect(h.sendMail.sent.at(-1)!.to).toEqual(['miljo@jonkoping.se']);
    expect(JSON.stringify([...h.permits.tasks.entries()])).not.toContain(taskId);
    expect(h.permits.tasks.get(hashTaskId(taskId))).toMatchObject({ caseId, partId: 'livsmedel', departmentId: 'miljo', round: 1 });
    expect(h.sendMail.sent.at(-1)!.text).not.toContain('token-livsmedel-1');
  });

  it('shows the application only to an officer of the department, and 404 to another department', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    const taskId = await opened(h, caseId, 'brandskydd');
    expect((await readTask(h.taskDeps, { taskId, caller: anonymous })).application).toBeUndefined();
    expect((await readTask(h.taskDeps, { taskId, caller: officer('raddning') })).application).toMatchObject({ servesAlcohol: false });
    await expect(readTask(h.taskDeps, { taskId, caller: officer('miljo') })).rejects.toMatchObject({ status: 404 });
    expect(h.sent).toEqual([]);
  });

  it('shows a confirm page that decides nothing, with the form only while the task is open', async () => {
    const h = harness();
    const { caseId, diarienummer } = await submitted(h);
    const taskId = await opened(h, caseId, 'livsmedel');
    const page = taskPage(await readTask(h.taskDeps, { taskId, caller: anonymous }), 'sv');
    expect(page).toContain(`<title>Uppgift att besluta: ${diarienummer}</title>`);
    expect(page).toContain(`data-href="/tasks/${taskId}/decision"`);
    expect(page).not.toContain('Munksjö Bistro');
    expect(h.sent).toEqual([]);
    await decideTask(h.taskDeps, { taskId, caller: officer('miljo'), decision: { outcome: 'approve' } });
    const decided = taskPage(await readTask(h.taskDeps, { taskId, caller: officer('miljo') }), 'en');
    expect(decided).toContain('Already decided');
    expect(decided).not.toContain('<form');
    expect(decided).toContain('Munksjö Bistro AB');
  });

  it('takes one decision and answers 409 to the next', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    const taskId = await opened(h, caseId, 'livsmedel');
    await decideTask(h.taskDeps, { taskId, caller: officer('miljo'), decision: { outcome: 'approve', reason: 'OK' } });
    await expect(decideTask(h.taskDeps, { taskId, caller: officer('miljo'), decision: { outcome: 'reject', reason: 'Nej' } })).rejects.toMatchObject({ status: 409 });
    expect(h.sent).toEqual([{ token: 'token-livsmedel-1', output: { outcome: 'approve' } }]);
    expect(h.cases.events.get(caseId)!.filter((e) => e.type === 'part-decided')).toHaveLength(1);
  });

  it('fails with 404 for another department, and 410 after the task expired', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    const taskId = await opened(h, caseId, 'livsmedel');
    await expect(decideTask(h.taskDeps, { taskId, caller: officer('social'), decision: { outcome: 'approve' } })).rejects.toMatchObject({ status: 404 });
    await expect(decideTask(h.taskDeps, { taskId: 'A'.repeat(32), caller: officer('miljo'), decision: { outcome: 'approve' } })).rejects.toMatchObject({ status: 404 });
    // Past the deadline the part is escalated, and the link still decides it; only after that it expires.
    h.clock.advance(15 * DAY_MS);
    expect((await readTask(h.taskDeps, { taskId, caller: officer('miljo') })).status).toBe('open');
    h.clock.advance(4 * DAY_MS);
    await expect(decideTask(h.taskDeps, { taskId, caller: officer('miljo'), decision: { outcome: 'approve' } })).rejects.toMatchObject({ status: 410 });
  });

  it('hands a decision over with the renewed token when a reminder replaced it meanwhile', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    const taskId = await opened(h, caseId, 'livsmedel');
    h.failing.tokens.add('token-livsmedel-1');
    const deciding = decideTask(h.taskDeps, { taskId, caller: officer('miljo'), decision: { outcome: 'approve' } });
    // The decision is stored, but its token timed out before the reminder state registered a new one.
    while ((await h.permits.getPart(caseId, 'livsmedel'))?.status !== 'decided') await new Promise((r) => setTimeout(r, 0));
    await remindOrEscalate(h.workflowDeps, { action: 'remind', caseId, permitType: 'restaurant', partId: 'livsmedel', token: 'token-livsmedel-2' });
    await deciding;
    expect(h.sent).toEqual([{ token: 'token-livsmedel-2', output: { outcome: 'approve' } }]);
    // Decided before the reminder went out: no reminder mail.
    expect(h.sendMail.sent.filter((m) => m.subject.startsWith('Påminnelse'))).toEqual([]);
  });

  it('reminds the department with a new link, and escalates to its head', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    const first = await opened(h, caseId, 'bygglov');
    await remindOrEscalate(h.workflowDeps, { action: 'remind', caseId, permitType: 'restaurant', partId: 'bygglov', token: 't2' });
    await remindOrEscalate(h.workflowDeps, { action: 'escalate', caseId, permitType: 'restaurant', partId: 'bygglov', token: 't3' });
    const [reminder, escalation] = h.sendMail.sent.slice(-2);
    expect(reminder!.to).toEqual(['stadsbyggnad@jonkoping.se']);
    expect(escalation!.to).toEqual(['stadsbyggnad.chef@jonkoping.se', 'stadsbyggnad@jonkoping.se']);
    // Every link of the round decides the same part, with the newest token.
    await decideTask(h.taskDeps, { taskId: first, caller: officer('stadsbyggnad'), decision: { outcome: 'approve' } });
    expect(h.sent).toEqual([{ token: 't3', output: { outcome: 'approve' } }]);
  });

  it('expires an undecided part, but keeps a decision taken meanwhile', async () => {
    const h = harness();
    const { caseId } = await submitted(h);
    await opened(h, caseId, 'livsmedel');
    const decidedTask = await opened(h, caseId, 'brandskydd');
    h.failing.tokens.add('token-brandskydd-1');
    await expect(decideTask({ ...h.taskDeps }, { taskId: decidedTask, caller: officer('raddning'), decision: { outcome: 'reject', reason: 'Utrymning saknas' } })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(await expirePart(h.workflowDeps, { action: 'expire', caseId, permitType: 'restaurant', partId: 'livsmedel' })).toEqual({ outcome: 'expired' });
    expect(await expirePart(h.workflowDeps, { action: 'expire', caseId, permitType: 'restaurant', partId: 'brandskydd' })).toEqual({ outcome: 'reject' });
  });
});

describe('requests for information', () => {
  it('asks the applicant, takes the answer once, and resumes the part', async () => {
    const h = harness();
    const { caseId, accessCode } = await submitted(h);
    const taskId = await opened(h, caseId, 'livsmedel');
    await decideTask(h.taskDeps, { taskId, caller: officer('miljo'), decision: { outcome: 'request-info', question: 'Ritning?' } });
    await expect(addSupplement(h.taskDeps, { caseId, caller: anonymous, accessCode, supplement: { text: 'För tidigt' } })).rejects.toMatchObject({ status: 409 });
    await requestInformation(h.workflowDeps, { action: 'request-info', caseId, permitType: 'restaurant', partId: 'livsmedel', token: 'wait-1' });
    expect(h.sendMail.sent.at(-1)).toMatchObject({ to: ['sara@example.se'], text: expect.stringContaining('Ritning?') });
    expect(h.cases.records.get(caseId)!.status).toBe('waiting-for-applicant');
    const partsNow = () => caseView(h.cases.records.get(caseId)!, h.cases.events.get(caseId)!, municipality).parts;
    expect(partsNow()).toEqual([{ partId: 'livsmedel', departmentId: 'miljo', status: 'waiting-for-applicant' }]);

    await expect(addSupplement(h.taskDeps, { caseId, caller: anonymous, accessCode: 'WRONG', supplement: { text: 'x' } })).rejects.toMatchObject({ status: 404 });
    await expect(addSupplement(h.taskDeps, { caseId, caller: anonymous, accessCode, supplement: { text: 'x', attachmentIds: ['01JEX4V6S7D9W0Y2A4C6E8G0J2'] } })).rejects.toMatchObject({
      status: 400,
      errors: [{ path: 'body.attachmentIds.0', message: 'not an attachment of this case' }],
    });
    const result = await addSupplement(h.taskDeps, { caseId, caller: anonymous, accessCode, supplement: { text: 'Bifogad.' } });
    expect(result).toMatchObject({ resumedParts: ['livsmedel'], status: 'in-progress' });
    expect(partsNow()).toEqual([{ partId: 'livsmedel', departmentId: 'miljo', status: 'in-progress' }]);
    expect(h.sent.at(-1)).toEqual({ token: 'wait-1', output: { answered: true } });
    await expect(addSupplement(h.taskDeps, { caseId, caller: anonymous, accessCode, supplement: { text: 'igen' } })).rejects.toMatchObject({ status: 409 });
    expect(h.cases.events.get(caseId)!.filter((e) => e.type === 'part-decided')).toEqual([]);
  });
});

describe('the decision letter', () => {
  async function decidedCase(outcomes: Record<string, 'approve' | 'reject' | 'expire'>) {
    const h = harness();
    const { caseId } = await submitted(h, { servesAlcohol: true });
    for (const [partId, outcome] of Object.entries(outcomes)) {
      const taskId = await opened(h, caseId, partId);
      const department = restaurantPermit.parts.find((p) => p.partId === partId)!.departmentId;
      if (outcome === 'expire') await expirePart(h.workflowDeps, { action: 'expire', caseId, permitType: 'restaurant', partId });
      else await decideTask(h.taskDeps, { taskId, caller: officer(department), decision: outcome === 'reject' ? { outcome, reason: `Skäl för ${partId}` } : { outcome } });
    }
    const result = await finalizePermit(h.workflowDeps, { action: 'finalize', caseId, permitType: 'restaurant' });
    return { h, caseId, result };
  }

  it('grants when every part is approved, archives the PDF with its SHA-256 and mails it', async () => {
    const { h, caseId, result } = await decidedCase({ livsmedel: 'approve', servering: 'approve', bygglov: 'approve', brandskydd: 'approve' });
    expect(result.outcome).toBe('granted');
    const [doc] = h.archived;
    expect(doc!.key).toMatch(new RegExp(`^permits/${caseId}/beslut-MHN-2026-\\d+\\.pdf$`));
    expect(doc!.sha256).toBe(createHash('sha256').update(doc!.body).digest('hex'));
    expect(doc!.metadata.sha256).toBe(doc!.sha256);
    const mail = h.sendMail.sent.at(-1) as unknown as { to: string[]; text: string; attachments?: { content: Buffer }[] };
    expect(mail.to).toEqual(['sara@example.se']);
    expect(mail.attachments![0]!.content.equals(doc!.body)).toBe(true);
    expect(h.cases.records.get(caseId)!.status).toBe('decided');
  });

  it('refuses with each rejecting department reason, and does it only once', async () => {
    const { h, caseId, result } = await decidedCase({ livsmedel: 'approve', servering: 'reject', bygglov: 'approve', brandskydd: 'approve' });
    expect(result.outcome).toBe('refused');
    const text = h.archived[0]!.body.toString('latin1');
    expect(text).toContain('Ansökan avslås.'.replace('ö', '\xf6'));
    expect(text).toContain('Motivering: Sk\xe4l f\xf6r servering');
    const again = await finalizePermit(h.workflowDeps, { action: 'finalize', caseId, permitType: 'restaurant' });
    expect(again).toEqual(result);
    expect(h.archived).toHaveLength(1);
  });

  it('says which parts were not decided in time', async () => {
    const { result, h } = await decidedCase({ livsmedel: 'approve', servering: 'approve', bygglov: 'expire', brandskydd: 'approve' });
    expect(result.outcome).toBe('not-decided');
    expect(h.archived[0]!.body.toString('latin1')).toContain('Ej beslutad inom tidsfristen');
  });
});

describe('renderPdf', () => {
  it('writes a PDF whose cross-reference table points at its objects', () => {
    const pdf = renderPdf(
      Array.from({ length: 80 }, (_, i) => ({ text: `Rad ${i}: Räddningstjänsten (brandskydd) \\ ok` })),
      { title: 'Beslut', author: 'Jönköpings kommun', created: new Date('2026-12-04T10:00:00Z') },
    );
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const xref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(xref, xref + 4)).toBe('xref');
    const offsets = [...text.slice(xref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, index) => expect(text.slice(offset, offset + `${index + 1} 0 obj`.length)).toBe(`${index + 1} 0 obj`));
    expect(text).toContain('/Count 2');
    expect(text).toContain('(Rad 0: R\xe4ddningstj\xe4nsten \\(brandskydd\\) \\\\ ok) Tj');
  });
});

describe('permit type declarations', () => {
  it('decide each part by a department of the municipality', () => {
    for (const declaration of [restaurantPermit, outdoorSeatingPermit]) {
      for (const part of declaration.parts) {
        expect(municipality.departments.map((d) => d.id)).toContain(part.departmentId);
        expect(part.deadlineDays).toBeGreaterThan(part.reminderDaysBefore);
      }
    }
  });
});
