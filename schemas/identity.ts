import * as z from 'zod';

/** Luhn (mod 10) check over a string of digits, as used by personnummer and organisationsnummer. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Personnummer as 12 digits, `YYYYMMDDNNNC` (a hyphen before the last four is accepted and removed). */
export const personnummerSchema = z
  .string()
  .trim()
  .max(13)
  .regex(/^\d{8}-?\d{4}$/, 'personnummer must be 12 digits, ÅÅÅÅMMDDNNNN')
  .transform((v) => v.replace('-', ''))
  .refine((v) => {
    const month = Number(v.slice(4, 6));
    // Samordningsnummer add 60 to the day.
    const day = Number(v.slice(6, 8)) % 60;
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }, 'personnummer has no valid date')
  .refine((v) => luhnValid(v.slice(2)), 'personnummer check digit is wrong')
  .meta({ description: 'Swedish personal identity number, 12 digits', example: '199001011239', 'x-secret': true });

/** Organisationsnummer, 10 digits (`NNNNNN-NNNN` accepted); the third digit is 2 or more. */
export const organisationsnummerSchema = z
  .string()
  .trim()
  .max(11)
  .regex(/^\d{6}-?\d{4}$/, 'organisationsnummer must be 10 digits, NNNNNN-NNNN')
  .transform((v) => v.replace('-', ''))
  .refine((v) => Number(v[2]) >= 2, 'organisationsnummer must have 2 or more as its third digit')
  .refine((v) => luhnValid(v), 'organisationsnummer check digit is wrong')
  .meta({ description: 'Swedish organisation number, 10 digits', example: '2120000142' });
