import { MAX_HISTORY_SHOWN, type CaseEventView, type CaseSummary, type CaseView } from '../../schemas/cases.js';
import type { Municipality } from '../../schemas/municipality.js';
import { deriveStatus, maskAnswers, type CaseEvent, type CaseRecord } from './case-model.js';
import { departmentById } from './config.js';

const summaries: Record<CaseEvent['type'], (data: Record<string, unknown>) => { sv: string; en: string }> = {
  submitted: () => ({ sv: 'Ärendet togs emot', en: 'The case was received' }),
  'attachment-requested': (d) => ({ sv: `Uppladdning av bilaga ${String(d.fileName)} påbörjades`, en: `Upload of attachment ${String(d.fileName)} started` }),
  'attachment-accepted': (d) => ({ sv: `Bilagan ${String(d.fileName)} togs emot`, en: `Attachment ${String(d.fileName)} was accepted` }),
  'attachment-rejected': (d) => ({ sv: `Bilagan ${String(d.fileName)} avvisades: ${String(d.reason)}`, en: `Attachment ${String(d.fileName)} was rejected: ${String(d.reason)}` }),
  'status-changed': (d) => ({ sv: `Status ändrad till ${String(d.status)}`, en: `Status changed to ${String(d.status)}` }),
  'workflow-started': (d) => ({ sv: `Handläggningen startade: ${partList(d.parts)}`, en: `Handling started: ${partList(d.parts)}` }),
  'part-opened': (d) => ({ sv: `Delen ${String(d.partId)} skickades till ${String(d.departmentId)}`, en: `Part ${String(d.partId)} was sent to ${String(d.departmentId)}` }),
  'part-reminded': (d) => ({ sv: `Påminnelse om delen ${String(d.partId)}`, en: `Reminder about part ${String(d.partId)}` }),
  'part-escalated': (d) => ({ sv: `Delen ${String(d.partId)} eskalerades till förvaltningschefen`, en: `Part ${String(d.partId)} was escalated to the head of department` }),
  'part-decided': (d) => ({
    sv: `Delen ${String(d.partId)}: ${d.outcome === 'approve' ? 'beviljad' : 'avslagen'}`,
    en: `Part ${String(d.partId)}: ${d.outcome === 'approve' ? 'approved' : 'rejected'}`,
  }),
  'information-requested': (d) => ({ sv: `Komplettering begärd för delen ${String(d.partId)}`, en: `More information requested for part ${String(d.partId)}` }),
  'supplement-received': () => ({ sv: 'Komplettering mottagen', en: 'Supplement received' }),
  'part-expired': (d) => ({ sv: `Delen ${String(d.partId)} beslutades inte inom tidsfristen`, en: `Part ${String(d.partId)} was not decided in time` }),
  'permit-decided': (d) => ({
    sv: `Beslut: ${({ granted: 'beviljas', refused: 'avslås', 'not-decided': 'ej beslutad i sin helhet' } as Record<string, string>)[String(d.outcome)] ?? String(d.outcome)}`,
    en: `Decision: ${String(d.outcome)}`,
  }),
};

const partList = (parts: unknown) => (Array.isArray(parts) ? parts.map(String).join(', ') : '');

/** Event data a resident may see; anything else an event carries stays internal. */
const PUBLIC_EVENT_DATA = ['attachmentId', 'fileName', 'contentType', 'size', 'reason', 'status', 'partId', 'departmentId', 'outcome', 'question', 'parts', 'partIds', 'sha256'];

function eventView(event: CaseEvent): CaseEventView {
  const data = Object.fromEntries(Object.entries(event.data ?? {}).filter(([k]) => PUBLIC_EVENT_DATA.includes(k)));
  return {
    type: event.type,
    at: event.at,
    actor: event.actor.kind,
    summary: summaries[event.type](event.data ?? {}),
    ...(Object.keys(data).length ? { data } : {}),
  };
}

export function attachmentsOf(events: readonly CaseEvent[]): CaseView['attachments'] {
  const byId = new Map<string, CaseView['attachments'][number]>();
  for (const { type, data = {} } of events) {
    const attachmentId = String(data.attachmentId ?? '');
    if (type === 'attachment-requested') byId.set(attachmentId, { attachmentId, fileName: String(data.fileName), status: 'pending' });
    const known = byId.get(attachmentId);
    if (!known) continue;
    if (type === 'attachment-accepted') byId.set(attachmentId, { ...known, status: 'accepted', contentType: String(data.contentType), size: Number(data.size) });
    if (type === 'attachment-rejected') byId.set(attachmentId, { ...known, status: 'rejected', reason: String(data.reason) });
  }
  return [...byId.values()];
}

/** Where each part of a permit stands, folded over the case's events; undefined for other cases. */
export function permitPartsOf(events: readonly CaseEvent[]): CaseView['parts'] {
  const parts = new Map<string, NonNullable<CaseView['parts']>[number]>();
  for (const { type, data = {} } of events) {
    const partId = String(data.partId ?? '');
    const known = parts.get(partId);
    const set = (change: Partial<NonNullable<CaseView['parts']>[number]>) => known && parts.set(partId, { ...known, ...change });
    if (type === 'part-opened') parts.set(partId, { partId, departmentId: String(data.departmentId), status: 'in-progress' });
    else if (type === 'information-requested') set({ status: 'waiting-for-applicant' });
    else if (type === 'part-decided') set({ status: data.outcome === 'approve' ? 'approved' : 'rejected', ...(data.reason ? { reason: String(data.reason) } : {}) });
    else if (type === 'part-expired') set({ status: 'expired' });
    else if (type === 'supplement-received') {
      for (const id of (data.partIds as string[] | undefined) ?? []) {
        const waiting = parts.get(id);
        if (waiting) parts.set(id, { ...waiting, status: 'in-progress' });
      }
    }
  }
  return events.some((e) => e.type === 'workflow-started') ? [...parts.values()] : undefined;
}

/** The case as its owner sees it: status derived from the events, secret answers masked, no officer identities. */
export function caseView(record: CaseRecord, events: readonly CaseEvent[], municipality: Municipality): CaseView {
  const department = departmentById(municipality, record.departmentId);
  return {
    ...caseSummary(record),
    department: { id: department.id, name: { sv: department.name.sv, en: department.name.en } },
    status: deriveStatus(events),
    updatedAt: events.at(-1)?.at ?? record.updatedAt,
    answers: maskAnswers(record.answers, record.secretPaths),
    attachments: attachmentsOf(events),
    history: events.slice(-MAX_HISTORY_SHOWN).map(eventView),
    ...(record.kind === 'permit' ? { parts: permitPartsOf(events) } : {}),
  };
}

export function caseSummary(record: CaseRecord): CaseSummary {
  return {
    caseId: record.caseId,
    diarienummer: record.diarienummer,
    kind: record.kind,
    subject: record.subject,
    title: { sv: record.title.sv, en: record.title.en },
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

