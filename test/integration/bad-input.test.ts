import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formCatalogue } from '../../schemas/forms/index.js';
import { validAnswers } from '../events/answers.js';
import { allItems, call, type Answer } from './support.js';

/** The items a refused request must not have touched: cases, events, register counters. */
async function caseState(): Promise<string> {
  const items = await allItems();
  return JSON.stringify(
    items
      .filter((i) => ['case', 'event', 'register-counter'].includes(String(i.entity)))
      .map((i) => `${String(i.pk)}|${String(i.sk)}|${String(i.last ?? '')}`)
      .sort(),
  );
}

function expectClientProblem(answer: Answer) {
  expect(answer.status, answer.text).toBeGreaterThanOrEqual(400);
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.json).toMatchObject({ status: answer.status, title: expect.any(String) });
}

// Values near the real answers are more likely to reach deep validation than random JSON alone.
const mutatedAnswers = (formId: keyof typeof validAnswers) =>
  fc.record({ key: fc.constantFrom(...Object.keys(validAnswers[formId])), value: fc.jsonValue() }).map(({ key, value }) => ({ ...validAnswers[formId], [key]: value }));

describe.each(formCatalogue.map((f) => f.formId as keyof typeof validAnswers))('bad input to form %s', (formId) => {
  it('answers arbitrary JSON with 2xx or 4xx problem+json, and a 4xx leaves no case, event or counter', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), mutatedAnswers(formId)), async (body) => {
        const before = await caseState();
        const answer = await call('POST', `/forms/${formId}/submissions`, { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
        if (answer.status === 201) return;
        expectClientProblem(answer);
        expect(await caseState()).toBe(before);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 40) },
    );
  });

  it('answers arbitrary bytes with 4xx problem+json and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom('application/json', 'application/octet-stream', 'text/plain'), async (bytes, type) => {
        const before = await caseState();
        const answer = await call('POST', `/forms/${formId}/submissions`, { body: bytes, headers: { 'Content-Type': type } });
        expectClientProblem(answer);
        expect(await caseState()).toBe(before);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 25) },
    );
  });
});

describe('refused requests', () => {
  it('answers a number DynamoDB could not store (5e-324) with 400, not 500', async () => {
    const answer = await call('POST', '/forms/varmepump/submissions', { body: { ...validAnswers.varmepump, heatOutputKw: 5e-324 } });
    expect(answer.status).toBe(400);
    expectClientProblem(answer);
  });

  it('fails with 413 for a body over the form limit, and over API Gateway’s 10 MB', async () => {
    const big = JSON.stringify({ ...validAnswers.synpunkt, message: 'x'.repeat(70 * 1024) });
    const tooBig = await call('POST', '/forms/synpunkt/submissions', { body: big, headers: { 'Content-Type': 'application/json' } });
    expect(tooBig.status).toBe(413);
    expectClientProblem(tooBig);
    const huge = await call('POST', '/forms/synpunkt/submissions', { body: 'x'.repeat(10 * 1024 * 1024 + 1), headers: { 'Content-Type': 'application/json' } });
    expect(huge.status).toBe(413);
  });

  it('fails with 415 for a wrong content type', async () => {
    const answer = await call('POST', '/forms/synpunkt/submissions', { body: JSON.stringify(validAnswers.synpunkt), headers: { 'Content-Type': 'text/plain' } });
    expect(answer.status).toBe(415);
    expectClientProblem(answer);
  });

  it('fails with 404 for unknown routes and forms, and 405 for an unsupported method', async () => {
    for (const path of ['/nothing-here', '/forms/no-such-form', '/cases/01JEX4V6S7D9W0Y2A4C6E8G0J2/nothing']) {
      const answer = await call('GET', path);
      expect(answer.status, path).toBe(404);
      expectClientProblem(answer);
    }
    const unknownForm = await call('POST', '/forms/no-such-form/submissions', { body: {} });
    expect(unknownForm.status).toBe(404);
    const wrongMethod = await call('DELETE', '/forms');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expectClientProblem(wrongMethod);
  });

  it('answers problems in English when asked, Swedish otherwise', async () => {
    const sv = await call('GET', '/forms/no-such-form');
    const en = await call('GET', '/forms/no-such-form', { headers: { 'Accept-Language': 'en' } });
    expect(sv.json.title).toBe('Hittades inte');
    expect(en.json.title).toBe('Not found');
    expect(en.json.detail).toBe('The form no-such-form does not exist.');
  });
});
