import { describe, expect, it } from 'vitest';
import { luhnValid, organisationsnummerSchema, personnummerSchema } from '../../../schemas/identity.js';

describe('Swedish identity numbers', () => {
  it('accepts a personnummer with a correct check digit, with or without hyphen', () => {
    expect(personnummerSchema.parse('199001011239')).toBe('199001011239');
    expect(personnummerSchema.parse('19900101-1239')).toBe('199001011239');
  });

  it('fails when the check digit is wrong', () => {
    expect(personnummerSchema.safeParse('199001011234').success).toBe(false);
  });

  it('fails when the date is impossible', () => {
    // 1990-13-01 with a check digit that would pass the Luhn test alone
    const digits = '9013011230';
    const check = [...Array(10).keys()].map((d) => digits.slice(0, 9) + d).find(luhnValid)!;
    expect(personnummerSchema.safeParse('19' + check).success).toBe(false);
  });

  it('accepts a samordningsnummer (day + 60)', () => {
    const base = '900161123';
    const valid = [...Array(10).keys()].map((d) => base + d).find(luhnValid)!;
    expect(personnummerSchema.safeParse('19' + valid).success).toBe(true);
  });

  it('accepts an organisationsnummer and fails when its third digit is below 2', () => {
    expect(organisationsnummerSchema.parse('556000-0001')).toBe('5560000001');
    expect(organisationsnummerSchema.safeParse('5510000001').success).toBe(false);
  });
});
