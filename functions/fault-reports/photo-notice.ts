import type { Municipality } from '../../schemas/municipality.js';
import type { CaseRecord } from '../shared/case-model.js';
import { departmentById, publicBaseUrl } from '../shared/config.js';
import { escapeHtml, type Mail } from '../shared/mail.js';
import { mediaUrlOf } from './open311-views.js';

/** Tells the report's department of a photo accepted after the report came in (photos are uploaded later). */
export function photoNotice(record: CaseRecord, attachment: { attachmentId: string; fileName: string }, municipality: Municipality): Mail {
  const department = departmentById(municipality, record.departmentId);
  const photo = mediaUrlOf(municipality, record.caseId, attachment.attachmentId);
  const caseUrl = `${publicBaseUrl(municipality)}/cases/${record.caseId}`;
  const text = [
    `Nytt foto till felanmälan ${record.diarienummer}: ${attachment.fileName}`,
    `Foto: ${photo}`,
    `Ärendet (logga in som handläggare): ${caseUrl}`,
  ].join('\n');
  const html = `<!doctype html><html lang="sv"><body>
<p>Nytt foto till felanmälan <strong>${escapeHtml(record.diarienummer)}</strong>: ${escapeHtml(attachment.fileName)}</p>
<p><a href="${escapeHtml(photo)}">Visa fotot</a> · <a href="${escapeHtml(caseUrl)}">Öppna ärendet</a></p>
</body></html>`;
  return { to: [department.email], subject: `Foto till felanmälan ${record.diarienummer}`, text, html };
}
