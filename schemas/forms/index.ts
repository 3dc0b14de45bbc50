import * as z from 'zod';
import type { RouteSpec } from '../api.js';
import { caseIdSchema, caseStatusSchema, diarienummerSchema } from '../cases.js';
import { problemSchema } from '../problem.js';
import type { FormDeclaration } from './form.js';
import { parkeringstillstandForm } from './parkeringstillstand.js';
import { synpunktForm } from './synpunkt.js';
import { varmepumpForm } from './varmepump.js';

export type { FormDeclaration } from './form.js';

/** Every form offered. A new form is a new declaration here. */
export const formCatalogue: readonly FormDeclaration[] = [parkeringstillstandForm, synpunktForm, varmepumpForm];

const localized = z.object({ sv: z.string().max(1000), en: z.string().max(1000) });

export const formIdSchema = z
  .string()
  .max(61)
  .regex(/^[a-z][a-z0-9-]{1,60}$/, 'not a form id')
  .meta({ example: 'synpunkt' });

export const formSummarySchema = z
  .object({
    formId: formIdSchema,
    version: z.number().int(),
    title: localized,
    description: localized,
    department: z.object({ id: z.string().max(40), name: localized }),
  })
  .meta({ id: 'FormSummary' });
export type FormSummary = z.infer<typeof formSummarySchema>;

export const formListSchema = z.object({ items: z.array(formSummarySchema).max(100) }).meta({ id: 'FormList' });

export const formDocumentSchema = formSummarySchema
  .extend({
    schema: z.record(z.string().max(100), z.unknown()).meta({
      description: 'JSON Schema (2020-12) of the answers; each field has `title` (Swedish) and `x-labels` {sv, en}',
    }),
    attachmentsHint: localized.optional(),
  })
  .meta({ id: 'Form' });
export type FormDocument = z.infer<typeof formDocumentSchema>;

export const submissionReceiptSchema = z
  .object({
    caseId: caseIdSchema,
    diarienummer: diarienummerSchema,
    accessCode: z.string().max(64).meta({ description: 'Lets anyone holding it follow the case. Shown once; only its hash is stored.' }),
    status: caseStatusSchema,
    caseUrl: z.url().max(2048),
  })
  .meta({ id: 'SubmissionReceipt' });
export type SubmissionReceipt = z.infer<typeof submissionReceiptSchema>;

const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });
const formParams = z.object({ formId: formIdSchema });

export const formsRoutes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/forms',
    operationId: 'listForms',
    summary: 'List the forms',
    tags: ['forms'],
    auth: 'public',
    responses: { 200: { description: 'Every form offered', schema: formListSchema } },
  },
  {
    method: 'GET',
    path: '/forms/{formId}',
    operationId: 'getForm',
    summary: 'Read a form: its JSON Schema with Swedish and English labels',
    tags: ['forms'],
    auth: 'public',
    pathParameters: formParams,
    responses: { 200: { description: 'The form', schema: formDocumentSchema }, 400: problem('Invalid form id'), 404: problem('No such form') },
  },
  {
    method: 'POST',
    path: '/forms/{formId}/submissions',
    operationId: 'submitForm',
    summary: 'Submit a form; it becomes a case',
    description:
      'The body is the answers, valid against the form schema (`GET /forms/{formId}`). Signed-in residents own the case; everyone gets an access code. A receipt is mailed to the address in the answers.',
    tags: ['forms'],
    auth: 'optional',
    idempotent: true,
    pathParameters: formParams,
    body: z.union(formCatalogue.map((f) => f.schema.meta({ id: `Answers_${f.formId}` }))),
    resolveBody: ({ formId }) => (formId ? findForm(formId)?.schema : undefined),
    bodyLimit: 64 * 1024,
    responses: {
      201: { description: 'The case was created', schema: submissionReceiptSchema },
      400: problem('Invalid answers'),
      404: problem('No such form'),
      409: problem('A request with this Idempotency-Key is still being processed'),
      413: problem('Body too large'),
      415: problem('Not JSON'),
      422: problem('Idempotency-Key reused with another body'),
    },
  },
];

/** The form declaration for a form id, if there is one. */
export function findForm(formId: string): FormDeclaration | undefined {
  return formCatalogue.find((f) => f.formId === formId);
}
