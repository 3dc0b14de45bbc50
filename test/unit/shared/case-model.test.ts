import { describe, expect, it } from 'vitest';
import { deriveStatus, formatDiarienummer, maskAnswers, registerYear } from '../../../functions/shared/case-model.js';

describe('case model', () => {
  it('derives the status from the events, last status change winning', () => {
    expect(deriveStatus([{ type: 'submitted' }])).toBe('received');
    expect(
      deriveStatus([
        { type: 'submitted' },
        { type: 'status-changed', data: { status: 'in-progress' } },
        { type: 'attachment-accepted', data: {} },
      ]),
    ).toBe('in-progress');
  });

  it('formats a diarienummer as series, year and number', () => {
    expect(formatDiarienummer('KS', 2026, 17)).toBe('KS 2026:17');
  });

  it('masks secret answers without changing the stored answers', () => {
    const answers = { applicant: { personnummer: '199001011239', name: 'A' }, disability: 'x' };
    expect(maskAnswers(answers, ['applicant.personnummer', 'disability', 'missing.path'])).toEqual({
      applicant: { personnummer: '***', name: 'A' },
      disability: '***',
    });
    expect(answers.applicant.personnummer).toBe('199001011239');
  });

  it('takes the register year in the municipality time zone', () => {
    // 23:30 UTC on New Year's Eve is already the new year in Stockholm.
    expect(registerYear(new Date('2026-12-31T23:30:00Z'), 'Europe/Stockholm')).toBe(2027);
    expect(registerYear(new Date('2026-12-31T22:30:00Z'), 'Europe/Stockholm')).toBe(2026);
  });
});
