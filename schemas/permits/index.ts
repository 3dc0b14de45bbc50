import * as z from 'zod';
import type { RouteSpec } from '../api.js';
import { caseIdSchema, caseStatusSchema, diarienummerSchema } from '../cases.js';
import { submissionReceiptSchema } from '../forms/index.js';
import { problemSchema } from '../problem.js';
import type { PermitTypeDeclaration } from './permit-type.js';
import { restaurantPermit } from './restaurant.js';
import { outdoorSeatingPermit } from './street-use.js';

/** A task shows at most this many of the applicant's supplements (the most recent). */
export const MAX_SUPPLEMENTS_SHOWN = 100;

export { applicableParts, type PermitPartDeclaration, type PermitTypeDeclaration } from './permit-type.js';
export { restaurantPermit } from './restaurant.js';
export { outdoorSeatingPermit } from './street-use.js';

/** Every permit type the municipality offers; each gets its own state machine from the same construct. */
export const permitCatalogue: readonly PermitTypeDeclaration[] = [restaurantPermit, outdoorSeatingPermit];

export function findPermitType(permitType: string): PermitTypeDeclaration | undefined {
  return permitCatalogue.find((p) => p.permitType === permitType);
}

export const permitTypeIdSchema = z
  .string()
  .max(41)
  .regex(/^[a-z][a-z0-9-]{1,40}$/)
  .meta({ description: 'Permit type, e.g. `restaurant`', example: 'restaurant' });

/** 192 random bits, base64url: the id in the task mail. Only its SHA-256 is stored. */
export const taskIdSchema = z
  .string()
  .max(32)
  .regex(/^[A-Za-z0-9_-]{32}$/, 'not a task id')
  .meta({ description: 'Task id from the task mail (192 random bits)' });

export const decisionOutcomeSchema = z.enum(['approve', 'reject', 'request-info']);
export type DecisionOutcome = z.infer<typeof decisionOutcomeSchema>;

export const decisionRequestSchema = z
  .discriminatedUnion('outcome', [
    z.strictObject({ outcome: z.literal('approve'), reason: z.string().trim().max(2000).optional() }),
    z.strictObject({ outcome: z.literal('reject'), reason: z.string().trim().min(1).max(2000) }),
    z.strictObject({ outcome: z.literal('request-info'), question: z.string().trim().min(1).max(2000) }),
  ])
  .meta({ id: 'TaskDecision', description: 'approve (reason optional), reject (reason required) or request-info (question required)' });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

export const decisionResultSchema = z
  .object({ taskId: taskIdSchema, caseId: caseIdSchema, partId: z.string().max(40), outcome: decisionOutcomeSchema })
  .meta({ id: 'TaskDecisionResult' });

export const taskViewSchema = z
  .object({
    taskId: taskIdSchema,
    caseId: caseIdSchema,
    diarienummer: diarienummerSchema,
    permitType: permitTypeIdSchema,
    title: z.object({ sv: z.string().max(200), en: z.string().max(200) }),
    part: z.object({ partId: z.string().max(40), title: z.object({ sv: z.string().max(200), en: z.string().max(200) }), departmentId: z.string().max(40) }),
    status: z.enum(['open', 'decided', 'expired']),
    expiresAt: z.iso.datetime().max(40),
    application: z.record(z.string().max(100), z.unknown()).optional().meta({ description: "Only for a signed-in officer of the task's department" }),
    supplements: z
      .array(z.object({ at: z.iso.datetime().max(40), text: z.string().max(5000) }))
      .max(MAX_SUPPLEMENTS_SHOWN)
      .optional()
      .meta({ description: `The most recent ${MAX_SUPPLEMENTS_SHOWN} supplements` }),
    decide: z.object({ method: z.literal('POST'), href: z.string().max(200), outcomes: z.array(decisionOutcomeSchema).max(3) }),
  })
  .meta({ id: 'Task', description: 'What is to be decided. Reading it never decides anything (mail scanners open links).' });
export type TaskView = z.infer<typeof taskViewSchema>;

export const supplementRequestSchema = z
  .strictObject({
    text: z.string().trim().min(1).max(5000),
    attachmentIds: z.array(z.string().length(26)).max(10).optional().meta({ description: 'Attachments uploaded through POST /cases/{caseId}/attachments' }),
  })
  .meta({ id: 'Supplement' });
export type SupplementRequest = z.infer<typeof supplementRequestSchema>;

export const supplementResultSchema = z
  .object({ caseId: caseIdSchema, resumedParts: z.array(z.string().max(40)).max(20), status: caseStatusSchema })
  .meta({ id: 'SupplementResult' });

const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });
const accessCodeQuery = z.object({
  accessCode: z.string().max(64).optional().meta({ description: 'The access code from the receipt (or send it in the `X-Access-Code` header)' }),
});

export const permitsRoutes: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: '/permits/{permitType}',
    operationId: 'applyForPermit',
    summary: 'Apply for a permit; each department decides its part',
    description:
      'The application becomes a case with a diarienummer and starts the permit workflow. The departments whose part applies get their tasks by mail; the applicant gets a receipt, questions and the decision letter by mail.',
    tags: ['permits'],
    auth: 'optional',
    idempotent: true,
    pathParameters: z.object({ permitType: permitTypeIdSchema }),
    body: z.union(permitCatalogue.map((p) => p.schema)),
    resolveBody: ({ permitType }) => (permitType ? findPermitType(permitType)?.schema : undefined),
    bodyLimit: 64 * 1024,
    responses: {
      201: { description: 'The application was registered', schema: submissionReceiptSchema },
      400: problem('Invalid application'),
      404: problem('No such permit type'),
      409: problem('A request with this Idempotency-Key is still being processed'),
      413: problem('Body too large'),
      415: problem('Not JSON'),
      422: problem('Idempotency-Key reused with another body'),
    },
  },
  {
    method: 'GET',
    path: '/tasks/{taskId}',
    operationId: 'getTask',
    summary: "A department's task: what is to be decided (never decides)",
    description: "Anyone holding the link sees what is to be decided; a signed-in officer of the task's department also sees the application. Another department's officer gets 404.",
    tags: ['permits'],
    auth: 'optional',
    pathParameters: z.object({ taskId: taskIdSchema }),
    responses: {
      200: { description: 'The task (JSON), or its confirm page for a browser (`Accept: text/html`)', schema: taskViewSchema, alternativeContentTypes: ['text/html'] },
      400: problem('Invalid task id'),
      404: problem('No such task'),
    },
  },
  {
    method: 'POST',
    path: '/tasks/{taskId}/decision',
    operationId: 'decideTask',
    summary: 'Decide a task: approve, reject (with reason) or request information (with question)',
    description: 'Single use. 409 once the task is decided, 410 once it has expired, 404 for an officer of another department.',
    tags: ['permits'],
    auth: 'required',
    pathParameters: z.object({ taskId: taskIdSchema }),
    body: decisionRequestSchema,
    bodyLimit: 8 * 1024,
    responses: {
      200: { description: 'The decision was taken', schema: decisionResultSchema },
      400: problem('Invalid decision'),
      401: problem('Not signed in'),
      404: problem('No such task, or not your department'),
      409: problem('The task was already decided'),
      410: problem('The task has expired'),
      413: problem('Body too large'),
      415: problem('Not JSON'),
    },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/supplements',
    operationId: 'addSupplement',
    summary: 'Answer a request for information; the departments that asked resume',
    tags: ['permits'],
    auth: 'optional',
    idempotent: true,
    pathParameters: z.object({ caseId: caseIdSchema }),
    query: accessCodeQuery,
    body: supplementRequestSchema,
    bodyLimit: 16 * 1024,
    responses: {
      200: { description: 'The answer was recorded', schema: supplementResultSchema },
      400: problem('Invalid answer'),
      404: problem('No such case, or not yours'),
      409: problem('No question is waiting for an answer'),
      413: problem('Body too large'),
      415: problem('Not JSON'),
      422: problem('Idempotency-Key reused with another body'),
    },
  },
];
