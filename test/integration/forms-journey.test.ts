import { describe, expect, it } from 'vitest';
import { validAnswers } from '../events/answers.js';
import { apiUrl, call, mailbox, officerToken, residentToken } from './support.js';

describe('the API describes itself', () => {
  it('serves its OpenAPI 3.1 document, with this server as its server', async () => {
    const answer = await call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ openapi: '3.1.0', servers: [{ url: apiUrl }] });
    expect(Object.keys(answer.json.paths)).toEqual(expect.arrayContaining(['/forms', '/forms/{formId}/submissions', '/cases/{caseId}', '/me/cases']));
  });
});

describe('a resident submits a form and follows the case', () => {
  it('lists the forms and reads one with Swedish and English labels', async () => {
    const list = await call('GET', '/forms');
    expect(list.status).toBe(200);
    expect(list.json.items.map((f: { formId: string }) => f.formId).sort()).toEqual(['parkeringstillstand', 'synpunkt', 'varmepump']);

    const form = await call('GET', '/forms/varmepump');
    expect(form.status).toBe(200);
    expect(form.json).toMatchObject({ formId: 'varmepump', department: { id: 'miljo' }, schema: { type: 'object' } });
    expect(form.json.schema.properties.heatSource['x-labels']).toEqual({ sv: 'Värmekälla', en: 'Heat source' });
  });

  it('submits anonymously, gets a diarienummer and an access code, a receipt mail, and follows the case with the code', async () => {
    // Prepare
    const before = Date.now();
    // Act
    const submitted = await call('POST', '/forms/varmepump/submissions', { body: validAnswers.varmepump });
    // Assess
    expect(submitted.status).toBe(201);
    expect(submitted.json).toMatchObject({ diarienummer: expect.stringMatching(/^MHN \d{4}:\d+$/), status: 'received' });
    const { caseId, accessCode, diarienummer, caseUrl } = submitted.json;
    expect(submitted.headers.get('location')).toBe(`/cases/${caseId}`);

    const receipt = (await mailbox()).find((m) => m.body.text?.includes(diarienummer));
    expect(receipt, 'receipt mail in the local inbox').toBeDefined();
    expect(receipt!.destination.to).toEqual(['forvaltning@example.se']);
    expect(receipt!.at * 1000).toBeGreaterThanOrEqual(before - 1000);
    expect(receipt!.body.text).toContain(caseUrl);

    // The link in the mail works as it is.
    const followed = await fetch(caseUrl);
    expect(followed.status).toBe(200);
    const view = (await followed.json()) as { diarienummer: string; status: string; history: { type: string }[]; answers: { owner: { identityNumber: string } } };
    expect(view).toMatchObject({ diarienummer, status: 'received' });
    expect(view.history.map((e) => e.type)).toEqual(['submitted']);
    expect(view.answers.owner.identityNumber).toBe('***');

    const byHeader = await call('GET', `/cases/${caseId}`, { headers: { 'X-Access-Code': accessCode } });
    expect(byHeader.status).toBe(200);
  });

  it('fails with 404 (not 403) for a case read without the code, with a wrong code, or by another resident', async () => {
    const { json } = await call('POST', '/forms/synpunkt/submissions', { body: validAnswers.synpunkt });
    const caseId = json.caseId as string;
    const stranger = await residentToken('198507099805');
    for (const answer of [
      await call('GET', `/cases/${caseId}`),
      await call('GET', `/cases/${caseId}?accessCode=AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH`),
      await call('GET', `/cases/${caseId}`, { token: stranger }),
      await call('GET', `/cases/${caseId}`, { token: await officerToken('miljo') }),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await call('GET', `/cases/${caseId}`, { token: await officerToken('stadskontoret') })).status).toBe(200);
  });

  it("lets a signed-in resident own the case and page through 'my cases'", async () => {
    const token = await residentToken('199001011239');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const submitted = await call('POST', '/forms/parkeringstillstand/submissions', { body: validAnswers.parkeringstillstand, token });
      expect(submitted.status).toBe(201);
      ids.push(submitted.json.caseId);
    }
    const own = await call('GET', `/cases/${ids[0]}`, { token });
    expect(own.status).toBe(200);
    expect(own.json.answers.applicant.personnummer).toBe('***');

    const first = await call('GET', '/me/cases?limit=2', { token });
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/me/cases?limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`, { token });
    expect(second.status).toBe(200);
    const listed = [...first.json.items, ...second.json.items].map((c: { caseId: string }) => c.caseId);
    expect(listed).toEqual([...ids].reverse());

    const someoneElse = await call('GET', '/me/cases', { token: await residentToken('198507099805') });
    expect(someoneElse.json.items.map((c: { caseId: string }) => c.caseId)).not.toContain(ids[0]);
  });

  it('fails with 401 for my cases without a token, and with 400 for a forged cursor', async () => {
    expect((await call('GET', '/me/cases')).status).toBe(401);
    const token = await residentToken('199001011239');
    const forged = Buffer.from(JSON.stringify({ pk: 'CASE#x', sk: 'CASE', gsi1pk: 'OWNER#someone-else', gsi1sk: 'x' })).toString('base64url');
    const answer = await call('GET', `/me/cases?cursor=${forged}`, { token });
    expect(answer.status).toBe(400);
  });
});
