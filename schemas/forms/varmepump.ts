import * as z from 'zod';
import { organisationsnummerSchema, personnummerSchema } from '../identity.js';
import { contactSchema, label, secret, type FormDeclaration } from './form.js';

/** Anmälan om värmepump: notification of a heat pump installation (miljöbalken, 17 § FMH). */
export const varmepumpSchema = z
  .strictObject({
    property: z
      .strictObject({
        designation: z
          .string()
          .trim()
          .regex(/^[\p{L} .-]+ \d+:\d+$/u, 'property designation like "Jönköping Hallen 1:23"')
          .max(100)
          .meta(label('Fastighetsbeteckning', 'Property designation')),
        address: z.string().trim().min(1).max(200).meta(label('Fastighetens adress', 'Property address')),
      })
      .meta(label('Fastighet', 'Property')),
    owner: z
      .strictObject({
        identityNumber: z
          .union([personnummerSchema, organisationsnummerSchema])
          .meta(secret('Person- eller organisationsnummer', 'Personal or organisation identity number')),
        contact: contactSchema,
      })
      .meta(label('Fastighetsägare', 'Property owner')),
    heatSource: z.enum(['bedrock', 'ground-surface', 'lake', 'groundwater']).meta(
      label('Värmekälla', 'Heat source', {
        'x-enum-labels': {
          bedrock: { sv: 'Berg (borrhål)', en: 'Bedrock (borehole)' },
          'ground-surface': { sv: 'Ytjord', en: 'Ground surface' },
          lake: { sv: 'Sjö', en: 'Lake' },
          groundwater: { sv: 'Grundvatten', en: 'Groundwater' },
        },
      }),
    ),
    boreholes: z.number().int().min(0).max(20).meta(label('Antal borrhål', 'Number of boreholes')),
    boreholeDepthMeters: z.number().int().min(0).max(500).meta(label('Borrhålsdjup (meter)', 'Borehole depth (metres)')),
    heatOutputKw: z.number().min(0.1).max(1000).meta(label('Värmeeffekt (kW)', 'Heat output (kW)')),
    refrigerant: z.string().trim().min(1).max(50).meta(label('Köldmedium', 'Refrigerant')),
    distanceToNearestWellMeters: z
      .number()
      .int()
      .min(0)
      .max(10000)
      .meta(label('Avstånd till närmaste brunn (meter)', 'Distance to the nearest well (metres)')),
    installer: z
      .strictObject({
        company: z.string().trim().min(1).max(200).meta(label('Installatör', 'Installer')),
        certified: z.boolean().meta(label('Certifierad borrare', 'Certified driller')),
      })
      .meta(label('Installatör', 'Installer')),
    plannedStart: z.iso.date().max(10).meta(label('Planerad start', 'Planned start')),
  })
  .refine((v) => v.heatSource !== 'bedrock' || (v.boreholes > 0 && v.boreholeDepthMeters > 0), {
    path: ['boreholes'],
    message: 'a bedrock heat pump needs at least one borehole with a depth',
  })
  .meta({ title: 'Anmälan om värmepump' });
export type Varmepump = z.infer<typeof varmepumpSchema>;

export const varmepumpForm: FormDeclaration = {
  formId: 'varmepump',
  version: 1,
  title: { sv: 'Anmälan om installation av värmepump', en: 'Notification of a heat pump installation' },
  description: {
    sv: 'Anmäl installation av berg-, jord-, sjö- eller grundvattenvärmepump till miljö- och hälsoskyddsförvaltningen innan arbetet påbörjas.',
    en: 'Notify the environment and health protection department of a bedrock, ground, lake or groundwater heat pump before work starts.',
  },
  departmentId: 'miljo',
  schema: varmepumpSchema,
  receiptEmailPath: ['owner', 'contact', 'email'],
  attachmentsHint: {
    sv: 'Bifoga en situationsplan som visar borrhål, brunnar och avlopp.',
    en: 'Attach a site plan showing boreholes, wells and sewage.',
  },
};
