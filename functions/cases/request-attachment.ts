import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MAX_ATTACHMENTS_PER_CASE, type AttachmentRequest, type AttachmentUpload } from '../../schemas/cases.js';
import { mayAddToCase } from '../shared/case-access.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { attachmentsOf } from '../shared/case-view.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import type { Caller } from '../shared/http.js';
import { messages } from '../shared/i18n.js';
import { newUlid } from '../shared/ids.js';

const UPLOAD_SECONDS = 15 * 60;

export interface RequestAttachmentDeps {
  readonly cases: CaseRepository;
  readonly presignPut: (key: string, contentType: string, expiresIn: number) => Promise<string>;
  readonly now: () => Date;
}

/** Presigns PUT URLs with the content type signed in, so the upload must declare what was asked for. */
export function s3PutPresigner(s3: S3Client, bucket: string): RequestAttachmentDeps['presignPut'] {
  return (key, contentType, expiresIn) =>
    getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType }), {
      expiresIn,
      signableHeaders: new Set(['content-type']),
    });
}

/** The S3 key of an attachment; the attachment check reads the case and attachment ids back from it. */
export function attachmentKey(caseId: string, attachmentId: string): string {
  return `cases/${caseId}/${attachmentId}`;
}

/**
 * Starts an attachment upload: records it on the case and returns a presigned PUT. Size and type are
 * checked again on the stored object (functions/attachments), since neither S3 nor the client is trusted.
 */
export async function requestAttachment(
  deps: RequestAttachmentDeps,
  input: { caseId: string; caller: Caller; accessCode?: string; attachment: AttachmentRequest },
): Promise<AttachmentUpload> {
  const found = await deps.cases.getCase(input.caseId);
  if (!found || !mayAddToCase(input.caller, found.record, input.accessCode)) throw new NotFoundError(messages.caseNotFound);
  if (attachmentsOf(found.events).length >= MAX_ATTACHMENTS_PER_CASE) {
    throw new ConflictError('conflict', messages.tooManyAttachments, { max: MAX_ATTACHMENTS_PER_CASE });
  }
  const now = deps.now();
  const attachmentId = newUlid(now.getTime());
  const { fileName, contentType, size } = input.attachment;
  await deps.cases.appendEvents(input.caseId, [
    {
      type: 'attachment-requested',
      at: now.toISOString(),
      actor: input.caller.kind === 'resident' ? { kind: 'resident', sub: input.caller.sub } : { kind: 'resident' },
      data: { attachmentId, fileName, declaredContentType: contentType, declaredSize: size },
    },
  ]);
  const uploadUrl = await deps.presignPut(attachmentKey(input.caseId, attachmentId), contentType, UPLOAD_SECONDS);
  return {
    attachmentId,
    uploadUrl,
    method: 'PUT',
    uploadHeaders: { 'Content-Type': contentType },
    expiresAt: new Date(now.getTime() + UPLOAD_SECONDS * 1000).toISOString(),
  };
}
