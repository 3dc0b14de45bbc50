import { describe, expect, it } from 'vitest';
import { checkAttachment, type StoredObjectAccess } from '../../../functions/attachments/check-attachment.js';
import { sniffContentType } from '../../../functions/attachments/sniff.js';
import { attachmentKey, requestAttachment } from '../../../functions/cases/request-attachment.js';
import { hashAccessCode } from '../../../functions/shared/ids.js';
import { NotFoundError } from '../../../functions/shared/errors.js';
import { memoryCaseRepository, silentLogger } from '../fakes.js';

const PDF = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const EXE = new TextEncoder().encode('MZ\x90\x00\x03\x00\x00\x00');

function memoryObjects(files: Record<string, Uint8Array | number>) {
  const removed: string[] = [];
  const objects: StoredObjectAccess = {
    async size(key) {
      const f = files[key];
      return f === undefined ? undefined : typeof f === 'number' ? f : f.length;
    },
    async firstBytes(key, count) {
      const f = files[key];
      return f instanceof Uint8Array ? f.slice(0, count) : new Uint8Array(count);
    },
    async remove(key) {
      removed.push(key);
      delete files[key];
    },
  };
  return { objects, removed };
}

async function caseWithRequestedAttachment() {
  const cases = memoryCaseRepository();
  const record = await cases.createCase(
    {
      caseId: '01JEX4V6S7D9W0Y2A4C6E8G0J2', series: 'KS', year: 2026, kind: 'form', subject: 'synpunkt', title: { sv: 's', en: 'e' },
      departmentId: 'stadskontoret', ownerSub: 'owner', accessCodeHash: hashAccessCode('CODE'), answers: {}, secretPaths: [], createdAt: '2026-12-04T10:00:00.000Z',
    },
    { type: 'submitted', at: '2026-12-04T10:00:00.000Z', actor: { kind: 'resident' } },
  );
  const upload = await requestAttachment(
    { cases, presignPut: async (key) => `http://s3.local/${key}?signed`, now: () => new Date('2026-12-04T10:01:00Z') },
    { caseId: record.caseId, caller: { kind: 'anonymous' }, accessCode: 'CODE', attachment: { fileName: 'intyg.pdf', contentType: 'application/pdf', size: 1000 } },
  );
  return { cases, caseId: record.caseId, attachmentId: upload.attachmentId, key: attachmentKey(record.caseId, upload.attachmentId), upload };
}

describe('content sniffing', () => {
  it('recognises the accepted types by their first bytes, not by name', () => {
    expect(sniffContentType(PDF)).toBe('application/pdf');
    expect(sniffContentType(PNG)).toBe('image/png');
    expect(sniffContentType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffContentType(EXE)).toBeUndefined();
    expect(sniffContentType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeUndefined();
  });
});

describe('requestAttachment', () => {
  it('records the request on the case and returns a presigned PUT with the declared type', async () => {
    const { cases, caseId, upload } = await caseWithRequestedAttachment();
    expect(upload).toMatchObject({ method: 'PUT', uploadHeaders: { 'Content-Type': 'application/pdf' } });
    expect(upload.uploadUrl).toContain(`cases/${caseId}/${upload.attachmentId}`);
    expect((await cases.getCase(caseId))!.events.map((e) => e.type)).toEqual(['submitted', 'attachment-requested']);
  });

  it('fails with 404 for someone who is neither owner nor holder of the code', async () => {
    const { cases, caseId } = await caseWithRequestedAttachment();
    await expect(
      requestAttachment(
        { cases, presignPut: async () => 'x', now: () => new Date() },
        { caseId, caller: { kind: 'resident', sub: 'stranger' }, attachment: { fileName: 'a.pdf', contentType: 'application/pdf', size: 1 } },
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('checkAttachment', () => {
  it('accepts a PDF and records its sniffed type and size', async () => {
    const { cases, caseId, key } = await caseWithRequestedAttachment();
    const { objects, removed } = memoryObjects({ [key]: PDF });
    const outcome = await checkAttachment({ cases, objects, now: () => new Date(), log: silentLogger() }, { key });
    expect(outcome).toBe('accepted');
    expect(removed).toEqual([]);
    expect((await cases.getCase(caseId))!.events.at(-1)).toMatchObject({ type: 'attachment-accepted', data: { contentType: 'application/pdf', size: PDF.length } });
  });

  it('fails a file whose content is not an accepted type although it was declared as PDF: removed and recorded', async () => {
    const { cases, caseId, key } = await caseWithRequestedAttachment();
    const { objects, removed } = memoryObjects({ [key]: EXE });
    expect(await checkAttachment({ cases, objects, now: () => new Date(), log: silentLogger() }, { key })).toBe('rejected');
    expect(removed).toEqual([key]);
    expect((await cases.getCase(caseId))!.events.at(-1)).toMatchObject({ type: 'attachment-rejected', data: { reason: expect.stringContaining('content') } });
  });

  it('fails a file over the size limit: removed and recorded', async () => {
    const { cases, key } = await caseWithRequestedAttachment();
    const { objects, removed } = memoryObjects({ [key]: 50 * 1024 * 1024 });
    expect(await checkAttachment({ cases, objects, now: () => new Date(), log: silentLogger() }, { key })).toBe('rejected');
    expect(removed).toEqual([key]);
  });

  it("runs the case kind's reaction: index items from all events, then the notice; a failed notice keeps the acceptance", async () => {
    // Prepare
    const { cases, caseId, key, attachmentId } = await caseWithRequestedAttachment();
    const { objects } = memoryObjects({ [key]: PDF });
    const seen: string[][] = [];
    const reactions = {
      form: {
        indexWrites: (record: { caseId: string }, events: readonly { type: string }[]) => {
          seen.push(events.map((e) => e.type));
          return [{ put: { pk: `INDEX#${record.caseId}`, sk: 'x' } }];
        },
        afterAccepted: async () => {
          throw new Error('SES down');
        },
      },
    };
    // Act
    const outcome = await checkAttachment({ cases, objects, reactions, now: () => new Date(), log: silentLogger() }, { key });
    // Assess
    expect(outcome).toBe('accepted');
    expect(seen).toEqual([['submitted', 'attachment-requested', 'attachment-accepted']]);
    expect(cases.extraWrites).toEqual([{ put: { pk: `INDEX#${caseId}`, sk: 'x' } }]);
    expect((await cases.getCase(caseId))!.events.at(-1)).toMatchObject({ type: 'attachment-accepted', data: { attachmentId } });
  });

  it('ignores a repeated notification', async () => {
    const { cases, caseId, key } = await caseWithRequestedAttachment();
    const { objects } = memoryObjects({ [key]: PDF });
    const deps = { cases, objects, now: () => new Date(), log: silentLogger() };
    await checkAttachment(deps, { key });
    expect(await checkAttachment(deps, { key })).toBe('ignored');
    expect((await cases.getCase(caseId))!.events.filter((e) => e.type === 'attachment-accepted')).toHaveLength(1);
  });

  it('removes an object nobody asked for', async () => {
    const { cases } = await caseWithRequestedAttachment();
    const { objects, removed } = memoryObjects({ 'cases/other/file': PDF });
    expect(await checkAttachment({ cases, objects, now: () => new Date(), log: silentLogger() }, { key: 'cases/other/file' })).toBe('rejected');
    expect(removed).toEqual(['cases/other/file']);
  });
});
