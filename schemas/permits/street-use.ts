import * as z from 'zod';
import { contactSchema, label, swedishAddressSchema } from '../forms/form.js';
import { organisationsnummerSchema } from '../identity.js';
import type { PermitTypeDeclaration } from './permit-type.js';

const date = z.iso.date().max(10);

export const outdoorSeatingApplicationSchema = z
  .strictObject({
    company: z
      .strictObject({
        organisationsnummer: organisationsnummerSchema.meta(label('Organisationsnummer', 'Organisation number')),
        name: z.string().trim().min(1).max(200).meta(label('Företagets namn', 'Company name')),
      })
      .meta(label('Företag', 'Company')),
    address: swedishAddressSchema,
    areaSquareMetres: z.number().min(1).max(500).meta(label('Yta (m²)', 'Area (m²)')),
    from: date.meta(label('Från och med', 'From')),
    to: date.meta(label('Till och med', 'To')),
    contact: contactSchema,
  })
  .refine((a) => a.from <= a.to, { path: ['to'], message: 'to must not be before from' })
  .meta({ id: 'OutdoorSeatingPermitApplication', ...label('Ansökan om uteservering', 'Application for outdoor seating') });

/**
 * Outdoor seating on public ground (upplåtelse av offentlig plats): one part, decided by the technical
 * services office. A second permit type, declared only as data.
 */
export const outdoorSeatingPermit: PermitTypeDeclaration = {
  permitType: 'uteservering',
  version: 1,
  title: { sv: 'Uteservering på allmän plats', en: 'Outdoor seating on public ground' },
  departmentId: 'tekniska',
  schema: outdoorSeatingApplicationSchema,
  contactEmailPath: ['contact', 'email'],
  parts: [
    {
      partId: 'markupplatelse',
      departmentId: 'tekniska',
      title: { sv: 'Upplåtelse av allmän plats', en: 'Use of public ground' },
      deadlineDays: 5,
      reminderDaysBefore: 2,
      escalationDays: 2,
      answerDays: 10,
    },
  ],
};
