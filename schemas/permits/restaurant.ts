import * as z from 'zod';
import { contactSchema, label, swedishAddressSchema } from '../forms/form.js';
import { organisationsnummerSchema } from '../identity.js';
import type { PermitTypeDeclaration } from './permit-type.js';

const time = z.string().max(5).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM');
const openingHoursSchema = z
  .array(
    z.strictObject({
      days: z.enum(['mon-fri', 'sat', 'sun', 'every-day']).meta(label('Dagar', 'Days')),
      opens: time.meta(label('Öppnar', 'Opens')),
      closes: time.meta(label('Stänger', 'Closes')),
    }),
  )
  .min(1)
  .max(7)
  .meta(label('Öppettider', 'Opening hours'));

export const restaurantApplicationSchema = z
  .strictObject({
    company: z
      .strictObject({
        organisationsnummer: organisationsnummerSchema.meta(label('Organisationsnummer', 'Organisation number')),
        name: z.string().trim().min(1).max(200).meta(label('Företagets namn', 'Company name')),
      })
      .meta(label('Företag', 'Company')),
    premises: z
      .strictObject({
        name: z.string().trim().min(1).max(200).meta(label('Restaurangens namn', 'Name of the restaurant')),
        address: swedishAddressSchema,
        seats: z.number().int().min(1).max(5000).meta(label('Antal sittplatser', 'Number of seats')),
      })
      .meta(label('Lokal', 'Premises')),
    openingHours: openingHoursSchema,
    servesAlcohol: z.boolean().meta(label('Serveras alkohol?', 'Will alcohol be served?')),
    changesUseOfPremises: z.boolean().meta(label('Ändras lokalens användning?', 'Does the use of the premises change?')),
    contact: contactSchema,
  })
  .meta({ id: 'RestaurantPermitApplication', ...label('Ansökan om att starta restaurang', 'Application to open a restaurant') });
export type RestaurantApplication = z.infer<typeof restaurantApplicationSchema>;

/** The restaurant permit: four departments, each deciding its part; two parts apply only to some applications. */
export const restaurantPermit: PermitTypeDeclaration = {
  permitType: 'restaurant',
  version: 1,
  title: { sv: 'Starta restaurang', en: 'Open a restaurant' },
  departmentId: 'miljo',
  schema: restaurantApplicationSchema,
  contactEmailPath: ['contact', 'email'],
  parts: [
    {
      partId: 'livsmedel',
      departmentId: 'miljo',
      title: { sv: 'Registrering av livsmedelsanläggning', en: 'Food business registration' },
      deadlineDays: 14,
      reminderDaysBefore: 3,
      escalationDays: 5,
      answerDays: 30,
    },
    {
      partId: 'servering',
      departmentId: 'social',
      title: { sv: 'Serveringstillstånd', en: 'Alcohol serving licence' },
      appliesWhen: 'servesAlcohol',
      deadlineDays: 28,
      reminderDaysBefore: 5,
      escalationDays: 7,
      answerDays: 30,
    },
    {
      partId: 'bygglov',
      departmentId: 'stadsbyggnad',
      title: { sv: 'Bygglov för ändrad användning', en: 'Building permit for changed use' },
      appliesWhen: 'changesUseOfPremises',
      deadlineDays: 28,
      reminderDaysBefore: 5,
      escalationDays: 7,
      answerDays: 30,
    },
    {
      partId: 'brandskydd',
      departmentId: 'raddning',
      title: { sv: 'Brandskydd', en: 'Fire safety' },
      deadlineDays: 14,
      reminderDaysBefore: 3,
      escalationDays: 5,
      answerDays: 30,
    },
  ],
};
