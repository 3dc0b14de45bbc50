import { createHash, randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, inject, it } from 'vitest';
import { call, mailbox, officerToken, s3, type SentMail } from './support.js';

const sfn = new SFNClient({
  endpoint: inject('stepFunctionsEndpoint'),
  region: inject('awsRegion'),
  credentials: { accessKeyId: inject('awsAccessKeyId'), secretAccessKey: inject('awsSecretAccessKey') },
});
const archiveBucket = inject('archiveBucket');
const stateMachines = inject('stateMachines');
const secondsPerDay = inject('permitSecondsPerDay');

const restaurant = (email: string, overrides: Record<string, unknown> = {}) => ({
  company: { organisationsnummer: '556036-0793', name: 'Munksjö Bistro AB' },
  premises: { name: 'Bistro Munksjön', address: { street: 'Hamnkanalen 3', postalCode: '553 18', city: 'Jönköping' }, seats: 60 },
  openingHours: [{ days: 'every-day', opens: '11:00', closes: '23:00' }],
  servesAlcohol: true,
  changesUseOfPremises: true,
  contact: { name: 'Sara Lind', email },
  ...overrides,
});
const outdoorSeating = (email: string) => ({
  company: { organisationsnummer: '556036-0793', name: 'Munksjö Bistro AB' },
  address: { street: 'Hamnkanalen 3', postalCode: '553 18', city: 'Jönköping' },
  areaSquareMetres: 24,
  from: '2027-05-01',
  to: '2027-09-30',
  contact: { name: 'Sara Lind', email },
});

/** Waits until the inbox has `count` mails matching, and returns them. */
async function mails(match: (mail: SentMail) => boolean, count = 1, timeoutMs = 30_000): Promise<SentMail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = (await mailbox()).filter(match);
    if (found.length >= count) return found;
    if (Date.now() > until) throw new Error(`expected ${count} mails, found ${found.length}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const to = (address: string, subject: string, diarienummer: string) => (m: SentMail) =>
  m.destination.to.includes(address) && m.subject.includes(subject) && m.subject.includes(diarienummer);
const taskIdIn = (mail: SentMail) => /\/tasks\/([A-Za-z0-9_-]{32})/.exec(mail.body.text ?? '')![1]!;

async function apply(permitType: string, body: unknown) {
  const answer = await call('POST', `/permits/${permitType}`, { body });
  expect(answer.status, answer.text).toBe(201);
  return answer.json as { caseId: string; diarienummer: string; accessCode: string };
}

async function executionOf(permitType: string, caseId: string) {
  const stateMachineArn = stateMachines[`Api/Permits/Workflow-${permitType}/Resource`]!;
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:case-${caseId}`;
  for (let i = 0; i < 100; i++) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return { described, events };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the execution did not end');
}

async function letterOf(caseId: string) {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: archiveBucket, Prefix: `permits/${caseId}/` }));
  expect(listed.Contents).toHaveLength(1);
  const object = await s3.send(new GetObjectCommand({ Bucket: archiveBucket, Key: listed.Contents![0]!.Key! }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  return { bytes, text: bytes.toString('latin1'), metadata: object.Metadata ?? {}, contentType: object.ContentType };
}

const decide = (taskId: string, token: string, body: unknown) => call('POST', `/tasks/${taskId}/decision`, { token, body });

describe('restaurant permit through the local runtime', () => {
  it('decides four parts in parallel, one after a request for information, and sends the letter', async () => {
    // Prepare
    const email = `bistro-${randomUUID()}@example.se`;
    const receipt = await apply('restaurant', restaurant(email));
    const { diarienummer, caseId, accessCode } = receipt;
    expect(diarienummer).toMatch(/^MHN \d{4}:\d+$/);
    const departments = { miljo: 'miljo@jonkoping.se', social: 'socialforvaltningen@jonkoping.se', stadsbyggnad: 'stadsbyggnad@jonkoping.se', raddning: 'raddningstjansten@jonkoping.se' };
    const tasks: Record<string, string> = {};
    for (const [department, address] of Object.entries(departments)) tasks[department] = taskIdIn((await mails(to(address, 'Att besluta', diarienummer)))[0]!);
    const tokens = Object.fromEntries(await Promise.all(Object.keys(departments).map(async (d) => [d, await officerToken(d)] as const)));

    // Act & Assess: reading a task never decides; another department's officer is told it does not exist
    const anonymousView = await call('GET', `/tasks/${tasks.miljo}`);
    expect(anonymousView.status).toBe(200);
    expect(anonymousView.json).toMatchObject({ caseId, diarienummer, status: 'open', part: { partId: 'livsmedel', departmentId: 'miljo' } });
    expect(anonymousView.json.application).toBeUndefined();
    const page = await call('GET', `/tasks/${tasks.miljo}`, { headers: { Accept: 'text/html,application/xhtml+xml' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain(diarienummer);
    const officerView = await call('GET', `/tasks/${tasks.miljo}`, { token: tokens.miljo });
    expect(officerView.json.application).toMatchObject({ company: { organisationsnummer: '5560360793' }, servesAlcohol: true });
    expect((await call('GET', `/tasks/${tasks.miljo}`, { token: tokens.social })).status).toBe(404);
    expect((await decide(tasks.miljo!, tokens.social!, { outcome: 'approve' })).status).toBe(404);
    expect((await decide(tasks.miljo!, tokens.miljo!, { outcome: 'reject' })).status).toBe(400);

    // The environment department asks; the others approve meanwhile
    const asked = await decide(tasks.miljo!, tokens.miljo!, { outcome: 'request-info', question: 'Hur hanteras fettavskiljning i köket?' });
    expect(asked.status, asked.text).toBe(200);
    for (const d of ['social', 'stadsbyggnad', 'raddning'] as const) {
      const decided = await decide(tasks[d]!, tokens[d]!, { outcome: 'approve', reason: 'Uppfyller kraven.' });
      expect(decided.status, decided.text).toBe(200);
    }
    expect((await decide(tasks.raddning!, tokens.raddning!, { outcome: 'approve' })).status).toBe(409);
    const question = (await mails(to(email, 'Komplettering behövs', diarienummer)))[0]!;
    expect(question.body.text).toContain('Hur hanteras fettavskiljning i köket?');
    const waiting = await call('GET', `/cases/${caseId}?accessCode=${encodeURIComponent(accessCode)}`);
    expect(waiting.json.status).toBe('waiting-for-applicant');
    expect(waiting.json.parts).toContainEqual({ partId: 'livsmedel', departmentId: 'miljo', status: 'waiting-for-applicant' });

    const answered = await call('POST', `/cases/${caseId}/supplements`, { headers: { 'X-Access-Code': accessCode }, body: { text: 'Fettavskiljare enligt ritning, tömning varannan vecka.' } });
    expect(answered.status, answered.text).toBe(200);
    expect(answered.json.resumedParts).toEqual(['livsmedel']);
    expect((await call('POST', `/cases/${caseId}/supplements`, { headers: { 'X-Access-Code': accessCode }, body: { text: 'igen' } })).status).toBe(409);

    const secondTask = taskIdIn((await mails(to(departments.miljo, 'Att besluta', diarienummer), 2)).at(-1)!);
    expect(secondTask).not.toBe(tasks.miljo);
    expect((await call('GET', `/tasks/${secondTask}`, { token: tokens.miljo })).json.supplements).toEqual([expect.objectContaining({ text: expect.stringContaining('Fettavskiljare') })]);
    expect((await decide(tasks.miljo!, tokens.miljo!, { outcome: 'approve' })).status).toBe(409);
    expect((await decide(secondTask, tokens.miljo!, { outcome: 'approve', reason: 'Registreras.' })).status).toBe(200);

    // The letter: mailed, archived with its SHA-256, and every step on the case
    const letterMail = (await mails(to(email, 'Beslut i ärende', diarienummer)))[0]!;
    expect(letterMail.body.text).toContain('beviljas');
    const letter = await letterOf(caseId);
    expect(letter.text.startsWith('%PDF-1.4')).toBe(true);
    expect(letter.contentType).toBe('application/pdf');
    expect(letter.metadata.sha256).toBe(createHash('sha256').update(letter.bytes).digest('hex'));
    expect(letterMail.body.text).toContain(letter.metadata.sha256);
    expect(letter.text).toContain(`Diarienummer: ${diarienummer}`);
    expect(letter.text).toContain('Ansökan beviljas.');
    // The PDF's text is WinAnsi (Latin-1 for å, ä, ö).
    expect(letter.text).toContain('Serveringstillst\xe5nd \x96 Socialf\xf6rvaltningen');

    const view = await call('GET', `/cases/${caseId}?accessCode=${encodeURIComponent(accessCode)}`);
    expect(view.json.status).toBe('decided');
    const history = view.json.history as { type: string; data?: Record<string, unknown> }[];
    expect(history.filter((e) => e.type === 'part-opened').map((e) => e.data?.partId).sort()).toEqual(['brandskydd', 'bygglov', 'livsmedel', 'livsmedel', 'servering']);
    expect(history.filter((e) => e.type === 'part-decided').map((e) => `${String(e.data?.partId)}:${String(e.data?.outcome)}`).sort()).toEqual([
      'brandskydd:approve',
      'bygglov:approve',
      'livsmedel:approve',
      'servering:approve',
    ]);
    expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(['submitted', 'workflow-started', 'information-requested', 'supplement-received', 'permit-decided']));
    expect(history.find((e) => e.type === 'permit-decided')?.data).toMatchObject({ outcome: 'granted', sha256: letter.metadata.sha256 });
    expect(view.json.parts).toHaveLength(4);
    expect(view.json.parts).toEqual(expect.arrayContaining([
      { partId: 'livsmedel', departmentId: 'miljo', status: 'approved', reason: 'Registreras.' },
      { partId: 'servering', departmentId: 'social', status: 'approved', reason: 'Uppfyller kraven.' },
      { partId: 'bygglov', departmentId: 'stadsbyggnad', status: 'approved', reason: 'Uppfyller kraven.' },
      { partId: 'brandskydd', departmentId: 'raddning', status: 'approved', reason: 'Uppfyller kraven.' },
    ]));

    const { described, events } = await executionOf('restaurant', caseId);
    expect(described.status).toBe('SUCCEEDED');
    expect(events.filter((e) => e.type?.endsWith('StateEntered')).length).toBeLessThanOrEqual(80);
  });

  it('refuses the permit when a department rejects, with its reason in the letter', async () => {
    const email = `refused-${randomUUID()}@example.se`;
    const { caseId, diarienummer, accessCode } = await apply('restaurant', restaurant(email, { servesAlcohol: false, changesUseOfPremises: false }));
    const miljo = taskIdIn((await mails(to('miljo@jonkoping.se', 'Att besluta', diarienummer)))[0]!);
    const raddning = taskIdIn((await mails(to('raddningstjansten@jonkoping.se', 'Att besluta', diarienummer)))[0]!);
    expect((await mailbox()).some(to('socialforvaltningen@jonkoping.se', 'Att besluta', diarienummer))).toBe(false);

    expect((await decide(raddning, await officerToken('raddning'), { outcome: 'approve' })).status).toBe(200);
    expect((await decide(miljo, await officerToken('miljo'), { outcome: 'reject', reason: 'Köket saknar handfat för handtvätt.' })).status).toBe(200);

    const letterMail = (await mails(to(email, 'Beslut i ärende', diarienummer)))[0]!;
    expect(letterMail.body.text).toContain('avslås');
    expect(letterMail.body.text).toContain('Köket saknar handfat för handtvätt.');
    const letter = await letterOf(caseId);
    expect(letter.text).toContain('Ansökan avslås.');
    expect(letter.text).toContain('Motivering: K\xf6ket saknar handfat f\xf6r handtv\xe4tt.');
    const view = await call('GET', `/cases/${caseId}?accessCode=${encodeURIComponent(accessCode)}`);
    expect(view.json.history.find((e: { type: string }) => e.type === 'permit-decided').data.outcome).toBe('refused');
    expect(view.json.parts).toContainEqual({ partId: 'livsmedel', departmentId: 'miljo', status: 'rejected', reason: 'Köket saknar handfat för handtvätt.' });
    expect((await executionOf('restaurant', caseId)).described.status).toBe('SUCCEEDED');
  });
});

describe('outdoor seating permit (a second permit type, declared only as data)', () => {
  it('reminds before the deadline, escalates to the head at it, and expires the part undecided', async () => {
    const email = `late-${randomUUID()}@example.se`;
    const { caseId, diarienummer, accessCode } = await apply('uteservering', outdoorSeating(email));
    expect(diarienummer).toMatch(/^TN /);
    const first = taskIdIn((await mails(to('tekniska@jonkoping.se', 'Att besluta', diarienummer)))[0]!);
    // Reminder after (5 - 2) days, escalation at the deadline (5 days), expiry 2 days later.
    const days = (n: number) => n * secondsPerDay * 1000;
    const reminder = (await mails(to('tekniska@jonkoping.se', 'Påminnelse', diarienummer), 1, days(5)))[0]!;
    expect(reminder.body.text).toMatch(/\/tasks\/[A-Za-z0-9_-]{32}/);
    const escalation = (await mails(to('tekniska.chef@jonkoping.se', 'Eskalering', diarienummer), 1, days(4)))[0]!;
    expect(escalation.destination.to).toEqual(['tekniska.chef@jonkoping.se', 'tekniska@jonkoping.se']);
    const letterMail = (await mails(to(email, 'Beslut i ärende', diarienummer), 1, days(4)))[0]!;
    expect(letterMail.body.text).toContain('ej beslutad inom tidsfristen');

    expect((await decide(first, await officerToken('tekniska'), { outcome: 'approve' })).status).toBe(410);
    const view = await call('GET', `/cases/${caseId}?accessCode=${encodeURIComponent(accessCode)}`);
    expect(view.json.history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['part-opened', 'part-reminded', 'part-escalated', 'part-expired', 'permit-decided']));
    expect((await executionOf('uteservering', caseId)).described.status).toBe('SUCCEEDED');
  });

  it('takes exactly one of 50 concurrent decisions on one task; the others get 409', async () => {
    const email = `race-${randomUUID()}@example.se`;
    const { caseId, diarienummer, accessCode } = await apply('uteservering', outdoorSeating(email));
    const taskId = taskIdIn((await mails(to('tekniska@jonkoping.se', 'Att besluta', diarienummer)))[0]!);
    const token = await officerToken('tekniska');

    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => decide(taskId, token, i % 2 ? { outcome: 'approve' } : { outcome: 'reject', reason: `nr ${i}` })));

    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(49);
    await mails(to(email, 'Beslut i ärende', diarienummer));
    const view = await call('GET', `/cases/${caseId}?accessCode=${encodeURIComponent(accessCode)}`);
    expect(view.json.history.filter((e: { type: string }) => e.type === 'part-decided')).toHaveLength(1);
    const { described, events } = await executionOf('uteservering', caseId);
    expect(described.status).toBe('SUCCEEDED');
    expect(events.filter((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'markupplatelse: open task')).toHaveLength(1);
  });
});
