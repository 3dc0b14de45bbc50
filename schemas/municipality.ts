import * as z from 'zod';
import { faultReportCategorySchema } from './fault-report-categories.js';

/** Text in the platform's languages; Swedish is required, English expected, more may be added. */
export const localizedTextSchema = z.object({ sv: z.string().min(1), en: z.string().min(1) }).catchall(z.string());
export type LocalizedText = z.infer<typeof localizedTextSchema>;

export const departmentSchema = z.object({
  /** Stable id: used in Cognito group names, task routing and form declarations. Never rename. */
  id: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  name: localizedTextSchema,
  /** Where tasks and new-case notices for the department go. */
  email: z.email(),
  /** Where escalations go (the head of the department). */
  headEmail: z.email(),
  /** The department's register series in the diarium, e.g. `MHN` in `MHN 2026:17`. */
  registerSeries: z.string().regex(/^[A-ZÅÄÖ]{1,8}$/),
});
export type Department = z.infer<typeof departmentSchema>;

export const municipalitySchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    name: localizedTextSchema,
    /** Municipality code (kommunkod) from Statistics Sweden. */
    code: z.string().regex(/^\d{4}$/),
    /** The public address residents use; links in mails point here. */
    publicBaseUrl: z.url(),
    /** Sender of every mail the platform sends; must be a verified SES identity on AWS. */
    mailFrom: z.email(),
    languages: z.array(z.string().regex(/^[a-z]{2}$/)).min(1),
    /** WGS 84: [west, south, east, north]. Positions outside it are refused. */
    boundingBox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    timeZone: z.string().min(1),
    departments: z.array(departmentSchema).min(1),
    /** Fault report categories (Open311 services), each routed to one of the departments. */
    faultReportCategories: z.array(faultReportCategorySchema).default([]),
  })
  .superRefine((m, ctx) => {
    const [west, south, east, north] = m.boundingBox;
    if (!(west < east && south < north && west >= -180 && east <= 180 && south >= -90 && north <= 90)) {
      ctx.addIssue({ code: 'custom', path: ['boundingBox'], message: 'must be [west, south, east, north] in WGS 84' });
    }
    for (const key of ['id', 'registerSeries'] as const) {
      const values = m.departments.map((d) => d[key]);
      const repeated = values.find((v, i) => values.indexOf(v) !== i);
      if (repeated) ctx.addIssue({ code: 'custom', path: ['departments'], message: `${key} ${repeated} is used twice` });
    }
    const codes = m.faultReportCategories.map((c) => c.code);
    const repeatedCode = codes.find((c, i) => codes.indexOf(c) !== i);
    if (repeatedCode) ctx.addIssue({ code: 'custom', path: ['faultReportCategories'], message: `code ${repeatedCode} is used twice` });
    for (const category of m.faultReportCategories) {
      if (!m.departments.some((d) => d.id === category.departmentId)) {
        ctx.addIssue({ code: 'custom', path: ['faultReportCategories'], message: `${category.code} is routed to unknown department ${category.departmentId}` });
      }
    }
    if (!m.languages.includes('sv')) ctx.addIssue({ code: 'custom', path: ['languages'], message: 'sv is required' });
  });
export type Municipality = z.infer<typeof municipalitySchema>;
