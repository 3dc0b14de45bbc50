import * as z from 'zod';
import { personnummerSchema } from '../identity.js';
import { contactSchema, label, secret, swedishAddressSchema, type FormDeclaration } from './form.js';

/** Parkeringstillstånd för rörelsehindrade: disabled parking permit (trafikförordningen 13 kap. 8 §). */
export const parkeringstillstandSchema = z
  .strictObject({
    applicant: z
      .strictObject({
        personnummer: personnummerSchema.meta(secret('Personnummer', 'Personal identity number')),
        address: swedishAddressSchema,
        contact: contactSchema,
      })
      .meta(label('Sökande', 'Applicant')),
    permitFor: z.enum(['driver', 'passenger']).meta(
      label('Tillståndet gäller för', 'The permit is for', {
        'x-enum-labels': { driver: { sv: 'Förare', en: 'Driver' }, passenger: { sv: 'Passagerare', en: 'Passenger' } },
      }),
    ),
    disability: z
      .string()
      .trim()
      .min(10)
      .max(2000)
      .meta(secret('Beskriv din funktionsnedsättning', 'Describe your disability')),
    mobilityAids: z
      .array(z.enum(['wheelchair', 'rollator', 'crutches', 'cane', 'none']))
      .min(1)
      .max(5)
      .refine((a) => new Set(a).size === a.length, 'each aid once')
      .meta(label('Förflyttningshjälpmedel', 'Mobility aids')),
    walkingDistanceMeters: z
      .number()
      .int()
      .min(0)
      .max(2000)
      .meta(label('Hur långt kan du gå utan hjälp (meter)?', 'How far can you walk unaided (metres)?')),
    requestedMonths: z
      .number()
      .int()
      .min(6)
      .max(60)
      .meta(label('Önskad giltighetstid (månader)', 'Requested period of validity (months)')),
  })
  .meta({ title: 'Parkeringstillstånd för rörelsehindrade' });
export type Parkeringstillstand = z.infer<typeof parkeringstillstandSchema>;

export const parkeringstillstandForm: FormDeclaration = {
  formId: 'parkeringstillstand',
  version: 1,
  title: { sv: 'Parkeringstillstånd för rörelsehindrade', en: 'Disabled parking permit' },
  description: {
    sv: 'Ansök om parkeringstillstånd om du har en varaktig funktionsnedsättning och har väsentliga svårigheter att förflytta dig.',
    en: 'Apply for a parking permit if you have a lasting disability and considerable difficulty moving about.',
  },
  departmentId: 'tekniska',
  schema: parkeringstillstandSchema,
  receiptEmailPath: ['applicant', 'contact', 'email'],
  attachmentsHint: {
    sv: 'Bifoga läkarintyg och ett foto av dig (passfoto) efter att du skickat ansökan.',
    en: 'Attach a medical certificate and a passport photo of yourself after submitting.',
  },
};
