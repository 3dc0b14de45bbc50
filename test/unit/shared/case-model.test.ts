import { describe, expect, it } from 'vitest';
import { deriveStatus, formatDiarienummer, maskAnswers, registerYear, submitterOf, valueAt } from '../../../functions/shared/case-model.js';

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

  it('records who submitted: an anonymous submitter as a resident without identity', () => {
    expect(submitterOf({ kind: 'anonymous' })).toEqual({ kind: 'resident' });
    expect(submitterOf({ kind: 'resident', sub: 'r-1' })).toEqual({ kind: 'resident', sub: 'r-1' });
    expect(submitterOf({ kind: 'officer', sub: 'o-1', departments: ['miljo'] })).toEqual({ kind: 'officer', sub: 'o-1' });
  });

  it('reads a value at a path of the answers, undefined where the path leads nowhere', () => {
    const answers = { contact: { email: 'a@b.se' }, list: [1] };
    expect(valueAt(answers, ['contact', 'email'])).toBe('a@b.se');
    expect(valueAt(answers, ['contact', 'phone'])).toBeUndefined();
    expect(valueAt(answers, ['missing', 'email'])).toBeUndefined();
  });
});
