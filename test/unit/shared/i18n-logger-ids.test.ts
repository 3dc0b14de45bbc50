import { describe, expect, it } from 'vitest';
import { pickLanguage } from '../../../functions/shared/i18n.js';
import { createLogger, mask, maskText } from '../../../functions/shared/logger.js';
import { accessCodeMatches, hashAccessCode, newAccessCode, newUlid } from '../../../functions/shared/ids.js';

describe('pickLanguage', () => {
  it.each([
    [undefined, 'sv'],
    ['en', 'en'],
    ['en-GB,en;q=0.9', 'en'],
    ['de-DE, en;q=0.5, sv;q=0.8', 'sv'],
    ['fr', 'sv'],
    ['en;q=0, sv', 'sv'],
    ['garbage;;;q=x', 'sv'],
  ])('%s → %s', (header, expected) => {
    expect(pickLanguage(header)).toBe(expected);
  });
});

describe('log masking', () => {
  it('masks personnummer, e-mail addresses, access codes and bearer tokens in text', () => {
    const masked = maskText('pnr 19900101-1239 and 199001011239, anna@example.se, /cases/X?accessCode=ABCD-EFGH, Bearer eyJ.abc.def');
    expect(masked).not.toMatch(/1239|anna@|ABCD-EFGH|eyJ/);
  });

  it('masks values of personal keys at any depth', () => {
    const masked = mask({ applicant: { personnummer: '199001011239', contact: { email: 'a@b.se', name: 'Anna' } }, accessCode: 'X' }) as Record<string, never>;
    expect(masked).toEqual({ applicant: { personnummer: '***', contact: { email: '***', name: 'Anna' } }, accessCode: '***' });
  });

  it('writes one JSON line per entry with the bound keys', () => {
    const lines: string[] = [];
    createLogger({ correlationId: 'c-1' }, (l) => lines.push(l)).child({ caseId: 'k' }).warn('hello 199001011239', { email: 'x@y.se' });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', message: 'hello ********-****', correlationId: 'c-1', caseId: 'k', email: '***' });
  });
});

describe('ids', () => {
  it('makes ULIDs that sort by time', () => {
    const a = newUlid(1_700_000_000_000);
    const b = newUlid(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(a < b).toBe(true);
  });

  it('makes access codes of 160 bits that match only their own hash', () => {
    const code = newAccessCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    const hash = hashAccessCode(code);
    expect(accessCodeMatches(code, hash)).toBe(true);
    expect(accessCodeMatches(code.toLowerCase(), hash)).toBe(true);
    expect(accessCodeMatches(newAccessCode(), hash)).toBe(false);
    expect(accessCodeMatches(undefined, hash)).toBe(false);
  });
});
