import * as z from 'zod';

const text = z.object({ sv: z.string().min(1).max(500), en: z.string().min(1).max(500) }).catchall(z.string().max(500));

/** One attribute a category asks for (Open311 service definition attribute). */
export const faultReportAttributeSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/),
    datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
    required: z.boolean(),
    /** What to ask for, shown to the reporter. */
    description: text,
    /** For list datatypes: the allowed keys and their names. */
    values: z.array(z.object({ key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/), name: text })).optional(),
  })
  .superRefine((a, ctx) => {
    const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
    if (isList !== Boolean(a.values?.length)) ctx.addIssue({ code: 'custom', path: ['values'], message: 'list datatypes, and only they, have values' });
  });
export type FaultReportAttribute = z.infer<typeof faultReportAttributeSchema>;

/**
 * A fault report category (an Open311 service), as municipality configuration: its code, names, the
 * attributes it asks for and the department it is routed to.
 */
export const faultReportCategorySchema = z.object({
  /** Stable Open311 `service_code`. Never rename: reports keep it. */
  code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  name: text,
  description: text,
  /** Open311 `group`. */
  group: text,
  keywords: z.array(z.string().min(1).max(40)).max(20).default([]),
  /** The department the reports are routed to (its officers are mailed and may change the status). */
  departmentId: z.string(),
  attributes: z.array(faultReportAttributeSchema).max(20).default([]),
});
export type FaultReportCategory = z.infer<typeof faultReportCategorySchema>;
