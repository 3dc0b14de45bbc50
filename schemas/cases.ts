import * as z from 'zod';
import type { RouteSpec } from './api.js';
import { attachmentContentTypes, MAX_ATTACHMENT_BYTES } from './attachment-limits.js';
import { problemSchema } from './problem.js';

const isoDateTime = z.iso.datetime().max(40);

/** A case view shows at most this many events of its history (the most recent). */
export const MAX_HISTORY_SHOWN = 1000;
/** Attachments a case may have. */
export const MAX_ATTACHMENTS_PER_CASE = 20;
const localizedText = z.object({ sv: z.string().max(1000), en: z.string().max(1000) });

export const caseIdSchema = z
  .string()
  .length(26)
  .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'not a case id')
  .meta({ description: 'Case id (ULID)', example: '01JEX4V6S7D9W0Y2A4C6E8G0J2' });

/** `KS 2026:17`: register series, year, number. */
export const diarienummerSchema = z
  .string()
  .max(30)
  .regex(/^[A-ZÅÄÖ]{1,8} \d{4}:\d+$/)
  .meta({ description: 'Registration number in the diarium: series, year and number', example: 'KS 2026:17' });

export const caseStatusSchema = z
  .enum(['received', 'in-progress', 'waiting-for-applicant', 'decided', 'closed'])
  .meta({ id: 'CaseStatus', description: 'Derived from the case events' });
export type CaseStatus = z.infer<typeof caseStatusSchema>;

export const caseEventTypeSchema = z.enum([
  'submitted',
  'attachment-requested',
  'attachment-accepted',
  'attachment-rejected',
  'status-changed',
  // Permit workflows (S3): each step of each department's part.
  'workflow-started',
  'part-opened',
  'part-reminded',
  'part-escalated',
  'part-decided',
  'information-requested',
  'supplement-received',
  'part-expired',
  'permit-decided',
]);
export type CaseEventType = z.infer<typeof caseEventTypeSchema>;

export const caseEventViewSchema = z
  .object({
    type: caseEventTypeSchema,
    at: isoDateTime,
    /** What a resident may see: `resident`, `officer` or `system`; never the officer's identity. */
    actor: z.enum(['resident', 'officer', 'system']),
    summary: localizedText,
    data: z.record(z.string().max(100), z.unknown()).optional(),
  })
  .meta({ id: 'CaseEvent' });
export type CaseEventView = z.infer<typeof caseEventViewSchema>;

export const caseViewSchema = z
  .object({
    caseId: caseIdSchema,
    diarienummer: diarienummerSchema,
    kind: z.string().max(40).meta({ description: 'What created the case, e.g. `form`' }),
    subject: z.string().max(100).meta({ description: 'What the case is about, e.g. the form id' }),
    title: localizedText,
    department: z.object({ id: z.string().max(40), name: localizedText }),
    status: caseStatusSchema,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    /** Submitted answers with secret fields masked. */
    answers: z.record(z.string().max(100), z.unknown()),
    attachments: z.array(
      z.object({
        attachmentId: z.string().max(26),
        fileName: z.string().max(200),
        status: z.enum(['pending', 'accepted', 'rejected']),
        contentType: z.string().max(100).optional(),
        size: z.number().int().min(0).optional(),
        reason: z.string().max(500).optional(),
      }),
    ).max(MAX_ATTACHMENTS_PER_CASE),
    history: z
      .array(caseEventViewSchema)
      .max(MAX_HISTORY_SHOWN)
      .meta({ description: `The most recent ${MAX_HISTORY_SHOWN} events, oldest first` }),
    /** Permits: where each department's part stands, from the events. */
    parts: z
      .array(
        z.object({
          partId: z.string().max(40),
          departmentId: z.string().max(40),
          status: z.enum(['in-progress', 'waiting-for-applicant', 'approved', 'rejected', 'expired']),
          reason: z.string().max(2000).optional(),
        }),
      )
      .max(20)
      .optional(),
  })
  .meta({ id: 'Case' });
export type CaseView = z.infer<typeof caseViewSchema>;

export const caseSummarySchema = z
  .object({
    caseId: caseIdSchema,
    diarienummer: diarienummerSchema,
    kind: z.string().max(40),
    subject: z.string().max(100),
    title: localizedText,
    status: caseStatusSchema,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .meta({ id: 'CaseSummary' });
export type CaseSummary = z.infer<typeof caseSummarySchema>;

export const myCasesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size' }),
  cursor: z.string().max(512).optional().meta({ description: 'The `nextCursor` of the previous page' }),
});
export const myCasesPageSchema = z
  .object({ items: z.array(caseSummarySchema).max(100), nextCursor: z.string().max(512).optional() })
  .meta({ id: 'CasePage' });
export type MyCasesPage = z.infer<typeof myCasesPageSchema>;

export { attachmentContentTypes, MAX_ATTACHMENT_BYTES } from './attachment-limits.js';

export const attachmentRequestSchema = z
  .strictObject({
    fileName: z
      .string()
      .min(1)
      .max(200)
      // No path separators, control characters or characters Windows forbids in file names.
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\\/\u0000-\u001f<>:"|?*]+$/, 'not a valid file name'),
    contentType: z.enum(attachmentContentTypes),
    size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
  })
  .meta({ id: 'AttachmentRequest' });
export type AttachmentRequest = z.infer<typeof attachmentRequestSchema>;

export const attachmentUploadSchema = z
  .object({
    attachmentId: z.string().max(26),
    uploadUrl: z.url().max(4096).meta({ description: 'Presigned PUT URL; send the file with the declared Content-Type' }),
    method: z.literal('PUT'),
    uploadHeaders: z.record(z.string().max(100), z.string().max(1000)).meta({ description: 'Headers the PUT must carry, as signed' }),
    expiresAt: isoDateTime,
  })
  .meta({ id: 'AttachmentUpload' });
export type AttachmentUpload = z.infer<typeof attachmentUploadSchema>;

const caseParams = z.object({ caseId: caseIdSchema });
const accessCodeQuery = z.object({
  accessCode: z.string().max(64).optional().meta({ description: 'The access code from the receipt (or send it in the `X-Access-Code` header)' }),
});
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });

export const casesRoutes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/cases/{caseId}',
    operationId: 'getCase',
    summary: 'Read a case: its status and history',
    description: 'For the signed-in owner, an officer of the case department, or anyone holding the access code. Everyone else gets 404.',
    tags: ['cases'],
    auth: 'optional',
    pathParameters: caseParams,
    query: accessCodeQuery,
    responses: { 200: { description: 'The case', schema: caseViewSchema }, 400: problem('Invalid case id'), 404: problem('No such case, or not yours') },
  },
  {
    method: 'GET',
    path: '/me/cases',
    operationId: 'listMyCases',
    summary: "List the signed-in resident's cases, newest first",
    tags: ['cases'],
    auth: 'required',
    query: myCasesQuerySchema,
    responses: { 200: { description: 'A page of cases', schema: myCasesPageSchema }, 400: problem('Invalid paging'), 401: problem('Not signed in') },
  },
  {
    method: 'POST',
    path: '/cases/{caseId}/attachments',
    operationId: 'addAttachment',
    summary: 'Start an attachment upload; returns a presigned PUT URL',
    description: `The platform checks the stored file after upload: at most ${MAX_ATTACHMENT_BYTES} bytes, and its content must be one of ${attachmentContentTypes.join(', ')}. A refused file is removed and recorded on the case.`,
    tags: ['cases'],
    auth: 'optional',
    idempotent: true,
    pathParameters: caseParams,
    query: accessCodeQuery,
    body: attachmentRequestSchema,
    bodyLimit: 4096,
    responses: {
      201: { description: 'Upload where to', schema: attachmentUploadSchema },
      400: problem('Invalid request'),
      404: problem('No such case, or not yours'),
      413: problem('Body too large'),
      415: problem('Not JSON'),
      422: problem('Idempotency-Key reused with another body'),
    },
  },
];
