import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { dynamoCaseRepository } from '../shared/case-repository.js';
import { documentClient, s3, ses } from '../shared/clients.js';
import { loadMunicipality, requireEnv } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { sesMailer } from '../shared/mail.js';
import { FAULT_REPORT_KIND, summaryOf } from '../fault-reports/open311-views.js';
import { photoNotice } from '../fault-reports/photo-notice.js';
import { indexWrites } from '../fault-reports/report-index.js';
import { checkAttachment, type AttachmentReaction, type StoredObjectAccess } from './check-attachment.js';

const municipality = loadMunicipality();
const bucket = requireEnv('ATTACHMENTS_BUCKET');
const sendMail = sesMailer(ses(), municipality.mailFrom);
const cases = dynamoCaseRepository(documentClient(), requireEnv('TABLE_NAME'));
const s3Client = s3();

const objects: StoredObjectAccess = {
  async size(key) {
    try {
      return (await s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength;
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  },
  async firstBytes(key, count) {
    const object = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${count - 1}` }));
    return object.Body ? object.Body.transformToByteArray() : new Uint8Array();
  },
  async remove(key, versionId) {
    await s3Client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  },
};

/** What e-services do when their cases get an accepted attachment. */
const reactions: Record<string, AttachmentReaction> = {
  // A fault report's photo: the Open311 indexes get its media_url, the department a notice.
  [FAULT_REPORT_KIND]: {
    indexWrites: (record, events, previousEvents) =>
      indexWrites(summaryOf(record, events, municipality), { previous: summaryOf(record, previousEvents, municipality) }),
    afterAccepted: (record, attachment) => sendMail(photoNotice(record, attachment, municipality)),
  },
};

/** S3 ObjectCreated notifications of the attachments bucket. A thrown error makes Lambda retry the event. */
export const handler = middy<S3Event, void>().handler(async (event) => {
  for (const record of event.Records) {
    // S3 sends keys URL-encoded, with spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const outcome = await checkAttachment({ cases, objects, reactions, now: () => new Date(), log: logger }, { key, versionId: record.s3.object.versionId });
    logger.info('attachment checked', { key, outcome });
  }
});
