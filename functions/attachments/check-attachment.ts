import { MAX_ATTACHMENT_BYTES, attachmentContentTypes } from '../../schemas/attachment-limits.js';
import type { CaseEvent, CaseRecord } from '../shared/case-model.js';
import type { CaseRepository, ExtraWrite } from '../shared/case-repository.js';
import type { Logger } from '../shared/logger.js';
import { SNIFF_BYTES, sniffContentType } from './sniff.js';

/** The stored object, as far as the check needs it. */
export interface StoredObjectAccess {
  size(key: string): Promise<number | undefined>;
  firstBytes(key: string, count: number): Promise<Uint8Array>;
  /** Removes the object (the given version, when the bucket is versioned) so nothing refused stays stored. */
  remove(key: string, versionId?: string): Promise<void>;
}

/** What an e-service does when one of its cases gets an accepted attachment (e.g. a fault report's photo). */
export interface AttachmentReaction {
  /** Items of the e-service's own indexes to write with the acceptance, from the case as it will be. */
  indexWrites?(record: CaseRecord, events: readonly CaseEvent[], previousEvents: readonly CaseEvent[]): readonly ExtraWrite[];
  /** After the acceptance is recorded, e.g. tell the department. */
  afterAccepted?(record: CaseRecord, attachment: { attachmentId: string; fileName: string; contentType: string }): Promise<void>;
}

export interface CheckAttachmentDeps {
  readonly cases: CaseRepository;
  /** Reactions by case kind. @default none */
  readonly reactions?: Readonly<Record<string, AttachmentReaction>>;
  readonly objects: StoredObjectAccess;
  readonly now: () => Date;
  readonly log: Logger;
}

const KEY = /^cases\/([0-9A-HJKMNP-TV-Z]{26})\/([0-9A-HJKMNP-TV-Z]{26})$/;

export type CheckOutcome = 'accepted' | 'rejected' | 'ignored';

/**
 * Checks an uploaded attachment after the fact (S3 enforces no policy on presigned uploads):
 * the size, and the type by its content. A refused file is removed and the refusal recorded on the case.
 */
export async function checkAttachment(deps: CheckAttachmentDeps, input: { key: string; versionId?: string }): Promise<CheckOutcome> {
  const { key, versionId } = input;
  const match = KEY.exec(key);
  const found = match ? await deps.cases.getCase(match[1]!) : undefined;
  const requested = found?.events.find((e) => e.type === 'attachment-requested' && e.data?.attachmentId === match![2]);
  if (!match || !found || !requested) {
    // Nobody asked for this upload: remove it rather than keep unknown data.
    deps.log.warn('unexpected object in attachments bucket', { key });
    await deps.objects.remove(key, versionId);
    return 'rejected';
  }
  const [, caseId, attachmentId] = match as unknown as [string, string, string];
  const decided = found.events.some(
    (e) => (e.type === 'attachment-accepted' || e.type === 'attachment-rejected') && e.data?.attachmentId === attachmentId,
  );
  if (decided) return 'ignored'; // a repeated notification

  const fileName = String(requested.data?.fileName);
  const size = await deps.objects.size(key);
  if (size === undefined) return 'ignored'; // already gone
  let reason: string | undefined;
  let contentType: string | undefined;
  if (size > MAX_ATTACHMENT_BYTES) reason = `larger than ${MAX_ATTACHMENT_BYTES} bytes`;
  else if (size === 0) reason = 'empty file';
  else {
    contentType = sniffContentType(await deps.objects.firstBytes(key, SNIFF_BYTES));
    if (!contentType || !(attachmentContentTypes as readonly string[]).includes(contentType)) {
      reason = `content is not one of ${attachmentContentTypes.join(', ')}`;
    }
  }
  const at = deps.now().toISOString();
  if (reason) {
    await deps.objects.remove(key, versionId);
    await deps.cases.appendEvents(caseId, [{ type: 'attachment-rejected', at, actor: { kind: 'system' }, data: { attachmentId, fileName, reason, size } }]);
    return 'rejected';
  }
  const accepted = { type: 'attachment-accepted', at, actor: { kind: 'system' }, data: { attachmentId, fileName, contentType, size } } as const;
  const reaction = deps.reactions?.[found.record.kind];
  const record = await deps.cases.appendEvents(caseId, [accepted], {
    extraWrites: reaction?.indexWrites ? (next, events) => reaction.indexWrites!(next, events, events.slice(0, -1)) : undefined,
  });
  // The acceptance stands whatever happens next; a failed notice is logged, not retried into a second acceptance.
  await reaction?.afterAccepted?.(record, { attachmentId, fileName, contentType: contentType! }).catch((error: unknown) => {
    deps.log.error('reaction to an accepted attachment failed', { caseId, attachmentId, error });
  });
  return 'accepted';
}
