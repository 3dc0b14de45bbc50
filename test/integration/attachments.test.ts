import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { validAnswers } from '../events/answers.js';
import { attachmentsBucket, call, s3 } from './support.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);

async function newCase() {
  const { json } = await call('POST', '/forms/parkeringstillstand/submissions', { body: validAnswers.parkeringstillstand });
  return json as { caseId: string; accessCode: string };
}

async function upload(caseId: string, accessCode: string, fileName: string, bytes: Buffer) {
  const requested = await call('POST', `/cases/${caseId}/attachments`, {
    body: { fileName, contentType: 'application/pdf', size: bytes.length },
    headers: { 'X-Access-Code': accessCode },
  });
  expect(requested.status).toBe(201);
  const put = await fetch(requested.json.uploadUrl, { method: 'PUT', headers: requested.json.uploadHeaders, body: bytes });
  expect(put.status).toBe(200);
  return requested.json.attachmentId as string;
}

/** The attachment check runs on the S3 notification, after the upload: wait for its verdict. */
async function attachmentStatus(caseId: string, accessCode: string, attachmentId: string) {
  for (let i = 0; i < 100; i++) {
    const view = await call('GET', `/cases/${caseId}`, { headers: { 'X-Access-Code': accessCode } });
    const attachment = view.json.attachments.find((a: { attachmentId: string }) => a.attachmentId === attachmentId);
    if (attachment?.status !== 'pending') return { attachment, view: view.json };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('attachment was never checked');
}

describe('attachments', () => {
  it('accepts a PDF uploaded through the presigned URL', async () => {
    const { caseId, accessCode } = await newCase();
    const attachmentId = await upload(caseId, accessCode, 'läkarintyg.pdf', PDF);
    const { attachment, view } = await attachmentStatus(caseId, accessCode, attachmentId);
    expect(attachment).toMatchObject({ status: 'accepted', contentType: 'application/pdf', size: PDF.length, fileName: 'läkarintyg.pdf' });
    expect(view.history.map((e: { type: string }) => e.type)).toEqual(['submitted', 'attachment-requested', 'attachment-accepted']);
  });

  it('rejects a file whose content is not allowed although declared as PDF: removed and recorded on the case', async () => {
    const { caseId, accessCode } = await newCase();
    const attachmentId = await upload(caseId, accessCode, 'intyg.pdf', EXE);
    const { attachment } = await attachmentStatus(caseId, accessCode, attachmentId);
    expect(attachment).toMatchObject({ status: 'rejected', reason: expect.stringContaining('content') });
    await expect(s3.send(new HeadObjectCommand({ Bucket: attachmentsBucket, Key: `cases/${caseId}/${attachmentId}` }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('fails when the declared type or size is not allowed, or the caller may not add to the case', async () => {
    const { caseId, accessCode } = await newCase();
    const headers = { 'X-Access-Code': accessCode };
    expect((await call('POST', `/cases/${caseId}/attachments`, { body: { fileName: 'a.exe', contentType: 'application/x-msdownload', size: 10 }, headers })).status).toBe(400);
    expect((await call('POST', `/cases/${caseId}/attachments`, { body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 50 * 1024 * 1024 }, headers })).status).toBe(400);
    expect((await call('POST', `/cases/${caseId}/attachments`, { body: { fileName: 'a.pdf', contentType: 'application/pdf', size: 10 } })).status).toBe(404);
  });
});
