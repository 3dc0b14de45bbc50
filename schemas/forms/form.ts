import * as z from 'zod';
import type { LocalizedText } from '../municipality.js';

/** A field's label in Swedish and English; Swedish is also the JSON Schema `title`. */
export function label(sv: string, en: string, extra: Record<string, unknown> = {}) {
  return { title: sv, 'x-labels': { sv, en }, ...extra };
}

/** Marks a field as secret: it is stored on the case but masked in every view and in logs. */
export function secret(sv: string, en: string) {
  return label(sv, en, { 'x-secret': true });
}

export const contactSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).meta(label('Namn', 'Name')),
    email: z.email().max(254).meta(label('E-postadress', 'Email address')),
    phone: z
      .string()
      .trim()
      .max(20)
      .regex(/^\+?[0-9 ()-]{6,20}$/, 'not a phone number')
      .optional()
      .meta(label('Telefonnummer', 'Phone number')),
  })
  .meta(label('Kontaktuppgifter', 'Contact details'));

export const swedishAddressSchema = z
  .strictObject({
    street: z.string().trim().min(1).max(200).meta(label('Gatuadress', 'Street address')),
    postalCode: z
      .string()
      .trim()
      .max(6)
      .regex(/^\d{3} ?\d{2}$/, 'postal code must be five digits')
      .meta(label('Postnummer', 'Postal code')),
    city: z.string().trim().min(1).max(100).meta(label('Postort', 'City')),
  })
  .meta(label('Adress', 'Address'));

/** A form offered to residents. Declared as data; the forms e-service has no code per form. */
export interface FormDeclaration {
  /** Stable id in URLs and on cases. Never rename. */
  readonly formId: string;
  readonly version: number;
  readonly title: LocalizedText;
  readonly description: LocalizedText;
  /** Department (by id in the municipality configuration) whose register series the case gets. */
  readonly departmentId: string;
  /** What the form accepts. Secret fields carry `x-secret` in their meta. */
  readonly schema: z.ZodObject;
  /** Path of the submitter's e-mail address in the answers; the receipt goes there when given. */
  readonly receiptEmailPath: readonly string[];
  /** Attachments the department expects, described to the resident. */
  readonly attachmentsHint?: LocalizedText;
}
