import { describe, expect, it } from 'vitest';
import { validAnswers } from '../events/answers.js';
import { call, casesInSeries, thisYear } from './support.js';

describe('concurrency', () => {
  it('gives 100 concurrent submissions to one series 100 distinct, consecutive diarienummer', async () => {
    // Prepare
    const before = (await casesInSeries('KS', thisYear())).length;
    // Act
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => call('POST', '/forms/synpunkt/submissions', { body: validAnswers.synpunkt })),
    );
    // Assess
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(201));
    const numbers = answers.map((a) => Number(/^KS \d{4}:(\d+)$/.exec(a.json.diarienummer)![1])).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(100);
    expect(numbers.at(-1)! - numbers[0]!).toBe(99);
    expect(numbers[0]).toBe(before + 1);
    expect((await casesInSeries('KS', thisYear())).length).toBe(before + 100);
  });

  it('creates exactly one case for 20 concurrent repeats of one submission with the same Idempotency-Key', async () => {
    const before = (await casesInSeries('MHN', thisYear())).length;
    const key = `repeat-${Date.now()}`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/forms/varmepump/submissions', { body: validAnswers.varmepump, headers: { 'Idempotency-Key': key } })),
    );
    expect((await casesInSeries('MHN', thisYear())).length).toBe(before + 1);
    const created = answers.filter((a) => a.status === 201);
    // Repeats get the first answer; one still waiting past its patience gets 409, never a second case.
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(new Set(created.map((a) => a.json.caseId)).size).toBe(1);
  });
});
