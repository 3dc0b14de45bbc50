import type { FaultReportCategory } from '../../schemas/fault-report-categories.js';
import type { Open311Request, Open311Service, Open311ServiceDefinition } from '../../schemas/fault-reports.js';
import type { Municipality } from '../../schemas/municipality.js';
import type { CaseEvent, CaseRecord } from '../shared/case-model.js';
import { attachmentsOf } from '../shared/case-view.js';
import { publicBaseUrl } from '../shared/config.js';
import type { Language } from '../shared/i18n.js';

/**
 * A fault report as its public indexes keep it: no personal data (no email, name or phone), language
 * neutral (names are looked up from the configuration when it is shown).
 */
export interface ReportSummary {
  readonly caseId: string;
  readonly serviceCode: string;
  readonly departmentId: string;
  readonly status: 'open' | 'closed';
  readonly statusNotes?: string;
  readonly description?: string;
  readonly address?: string;
  readonly addressId?: string;
  readonly lat?: number;
  readonly long?: number;
  readonly mediaUrl?: string;
  readonly requestedAt: string;
  readonly updatedAt: string;
}

/** What a fault report case keeps in its answers (the reporter's contact details are secret paths). */
export interface ReportAnswers {
  readonly serviceCode: string;
  readonly description?: string;
  readonly address?: string;
  readonly addressId?: string;
  readonly lat?: number;
  readonly long?: number;
  readonly mediaUrl?: string;
  readonly attributes: Readonly<Record<string, string | readonly string[]>>;
  readonly reporter?: { readonly email?: string; readonly firstName?: string; readonly lastName?: string; readonly phone?: string };
}

export const FAULT_REPORT_KIND = 'fault-report';

export const localized = (text: Readonly<Record<string, string>> & { sv: string }, language: Language): string => text[language] ?? text.sv;

export function serviceOf(category: FaultReportCategory, language: Language): Open311Service {
  return {
    service_code: category.code,
    service_name: localized(category.name, language),
    description: localized(category.description, language),
    metadata: category.attributes.length > 0,
    type: 'realtime',
    keywords: category.keywords.join(', ') || null,
    group: localized(category.group, language),
  };
}

export function serviceDefinitionOf(category: FaultReportCategory, language: Language): Open311ServiceDefinition {
  return {
    service_code: category.code,
    attributes: category.attributes.map((a, index) => ({
      variable: true,
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      datatype_description: a.datatype === 'multivaluelist' ? (language === 'en' ? 'One or more of the values' : 'Ett eller flera av värdena') : null,
      order: index + 1,
      description: localized(a.description, language),
      ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: localized(v.name, language) })) } : {}),
    })),
  };
}

/** Where a report's first accepted photo is served (a redirect to a short-lived download). */
export function mediaUrlOf(municipality: Municipality, caseId: string, attachmentId: string): string {
  return `${publicBaseUrl(municipality)}/open311/v2/media/${caseId}/${attachmentId}`;
}

/** The Open311 status: only open and closed exist there; "in progress" is open with a note. */
export const open311Status = (record: Pick<CaseRecord, 'status'>): 'open' | 'closed' => (record.status === 'closed' ? 'closed' : 'open');

export function lastStatusNotes(events: readonly CaseEvent[]): string | undefined {
  const last = events.filter((e) => e.type === 'status-changed').at(-1);
  return typeof last?.data?.statusNotes === 'string' ? last.data.statusNotes : undefined;
}

/** The public summary of a report case, from the case and its events. */
export function summaryOf(record: CaseRecord, events: readonly CaseEvent[], municipality: Municipality): ReportSummary {
  const answers = record.answers as unknown as ReportAnswers;
  const photo = attachmentsOf(events).find((a) => a.status === 'accepted');
  return {
    caseId: record.caseId,
    serviceCode: answers.serviceCode,
    departmentId: record.departmentId,
    status: open311Status(record),
    statusNotes: lastStatusNotes(events),
    description: answers.description,
    address: answers.address,
    addressId: answers.addressId,
    lat: answers.lat,
    long: answers.long,
    mediaUrl: photo ? mediaUrlOf(municipality, record.caseId, photo.attachmentId) : answers.mediaUrl,
    requestedAt: record.createdAt,
    updatedAt: events.at(-1)?.at ?? record.updatedAt,
  };
}

/** A GeoReport v2 request from a public summary, names in the caller's language. */
export function requestOf(summary: ReportSummary, municipality: Municipality, language: Language): Open311Request {
  const category = municipality.faultReportCategories.find((c) => c.code === summary.serviceCode);
  const department = municipality.departments.find((d) => d.id === summary.departmentId);
  return {
    service_request_id: summary.caseId,
    status: summary.status,
    status_notes: summary.statusNotes ?? null,
    service_name: category ? localized(category.name, language) : null,
    service_code: summary.serviceCode,
    description: summary.description ?? null,
    agency_responsible: department ? localized(department.name, language) : null,
    service_notice: null,
    requested_datetime: summary.requestedAt,
    updated_datetime: summary.updatedAt,
    expected_datetime: null,
    address: summary.address ?? null,
    address_id: summary.addressId ?? null,
    zipcode: null,
    lat: summary.lat ?? null,
    long: summary.long ?? null,
    media_url: summary.mediaUrl ?? null,
  };
}

/** The update history of a report as Open311 `notes`: its registration and each status change. */
export function notesOf(events: readonly CaseEvent[], language: Language): NonNullable<Open311Request['notes']> {
  let status: 'open' | 'closed' = 'open';
  const notes: NonNullable<Open311Request['notes']> = [];
  for (const event of events) {
    if (event.type === 'submitted') notes.push({ datetime: event.at, status, description: language === 'en' ? 'Report received' : 'Felanmälan mottagen' });
    if (event.type === 'status-changed') {
      status = event.data?.status === 'closed' ? 'closed' : 'open';
      const label = statusLabel(String(event.data?.status), language);
      const text = typeof event.data?.statusNotes === 'string' ? `${label}: ${event.data.statusNotes}` : label;
      notes.push({ datetime: event.at, status, description: text });
    }
  }
  return notes;
}

export function statusLabel(caseStatus: string, language: Language): string {
  const labels: Record<string, { sv: string; en: string }> = {
    received: { sv: 'Öppen', en: 'Open' },
    'in-progress': { sv: 'Åtgärdas', en: 'In progress' },
    closed: { sv: 'Avslutad', en: 'Closed' },
  };
  return labels[caseStatus]?.[language] ?? caseStatus;
}
