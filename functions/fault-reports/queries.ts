import {
  DEFAULT_RANGE_DAYS,
  DUPLICATE_DAYS,
  DUPLICATE_RADIUS_METRES,
  MAP_CLOSED_DAYS,
  MAX_REQUESTS_ROWS,
  type Open311Request,
  type Open311RequestsQuery,
} from '../../schemas/fault-reports.js';
import type { Municipality } from '../../schemas/municipality.js';
import type { CaseRepository } from '../shared/case-repository.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { Language } from '../shared/i18n.js';
import { circleBox, distanceMetres, intersect, parseBbox, type BoundingBox } from './geo.js';
import { FAULT_REPORT_KIND, notesOf, requestOf, summaryOf, type ReportSummary } from './open311-views.js';
import type { IndexAnswer, ReportIndex } from './report-index.js';

export interface QueryDeps {
  readonly cases: CaseRepository;
  readonly reports: ReportIndex;
  readonly municipality: Municipality;
  readonly now: () => Date;
}

const DAY_MS = 24 * 3600 * 1000;
const notFound = { sv: 'Felanmälan {id} finns inte.', en: 'There is no request {id}.' };

const invalid = (path: string, sv: string, en: string, language: Language) =>
  new ValidationError([{ path, message: language === 'en' ? en : sv }], { sv, en });

/** `2026-12-01` is the whole day; a date-time is itself. */
function instant(value: string, endOfDay: boolean): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : new Date(value).toISOString();
}

/** A bounding box inside the municipality (clipped to it), or a 400. */
export function bboxOf(text: string, municipality: Municipality, language: Language): BoundingBox | undefined {
  const bbox = parseBbox(text);
  if (!bbox) throw invalid('bbox', 'bbox ska vara väst,syd,öst,nord i WGS 84.', 'bbox must be west,south,east,north in WGS 84.', language);
  return intersect(bbox, municipality.boundingBox);
}

/** One report by id, with its update history; 404 for anything that is not a fault report. */
export async function getRequest(deps: Pick<QueryDeps, 'cases' | 'municipality'>, id: string, language: Language): Promise<Open311Request> {
  const found = await deps.cases.getCase(id);
  if (!found || found.record.kind !== FAULT_REPORT_KIND) throw new NotFoundError(notFound, { id });
  return { ...requestOf(summaryOf(found.record, found.events, deps.municipality), deps.municipality, language), notes: notesOf(found.events, language) };
}

/** `GET requests` with the spec's filters and defaults (90 days, 1000 rows), plus page/page_size and bbox. */
export async function listRequests(deps: QueryDeps, query: Open311RequestsQuery, language: Language): Promise<IndexAnswer<Open311Request>> {
  const { municipality } = deps;
  if (query.service_request_id?.length) {
    const found = await Promise.all(query.service_request_id.map((id) => deps.cases.getCase(id)));
    const items = found
      .filter((f) => f && f.record.kind === FAULT_REPORT_KIND)
      .map((f) => requestOf(summaryOf(f!.record, f!.events, municipality), municipality, language));
    return { items, scanned: found.length };
  }
  const end = query.end_date ? instant(query.end_date, true) : deps.now().toISOString();
  const start = query.start_date ? instant(query.start_date, false) : new Date(Date.parse(end) - DEFAULT_RANGE_DAYS * DAY_MS).toISOString();
  if (start > end) throw invalid('start_date', 'start_date är efter end_date.', 'start_date is after end_date.', language);
  if (Date.parse(end) - Date.parse(start) > DEFAULT_RANGE_DAYS * DAY_MS) {
    throw invalid('start_date', `Högst ${DEFAULT_RANGE_DAYS} dagar åt gången.`, `At most ${DEFAULT_RANGE_DAYS} days at a time.`, language);
  }
  const statuses = query.status?.length ? new Set(query.status) : undefined;
  const services = query.service_code?.length ? new Set(query.service_code) : undefined;
  const keep = (r: ReportSummary) => (!statuses || statuses.has(r.status)) && (!services || services.has(r.serviceCode)) && r.requestedAt >= start && r.requestedAt <= end;
  const skip = (query.page - 1) * query.page_size;
  if (skip + query.page_size > MAX_REQUESTS_ROWS * 10) throw invalid('page', 'Sidan ligger för långt bak; begränsa datumintervallet.', 'The page is too far back; narrow the date range.', language);

  let answer: IndexAnswer<ReportSummary>;
  if (query.bbox !== undefined) {
    const bbox = bboxOf(query.bbox, municipality, language);
    answer = bbox ? await deps.reports.inBox(bbox, keep) : { items: [], scanned: 0 };
    answer.items.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt) || b.caseId.localeCompare(a.caseId));
  } else {
    answer = await deps.reports.byTime(start, end, keep, skip + query.page_size);
  }
  return { items: answer.items.slice(skip, skip + query.page_size).map((r) => requestOf(r, municipality, language)), scanned: answer.scanned };
}

/** Open reports of the same service within 50 m from the last 30 days, nearest first. */
export async function findDuplicates(deps: QueryDeps, input: { serviceCode: string; lat: number; long: number }, language: Language): Promise<IndexAnswer<Open311Request>> {
  const { municipality } = deps;
  if (!municipality.faultReportCategories.some((c) => c.code === input.serviceCode)) {
    throw invalid('service_code', 'Tjänsten finns inte.', 'There is no such service.', language);
  }
  const box = circleBox(input.lat, input.long, DUPLICATE_RADIUS_METRES);
  const since = new Date(deps.now().getTime() - DUPLICATE_DAYS * DAY_MS).toISOString();
  const { items, scanned } = await deps.reports.openOfServiceInBox(input.serviceCode, box);
  const near = items
    .filter((r) => r.status === 'open' && r.requestedAt >= since)
    .map((r) => ({ r, d: distanceMetres(input.lat, input.long, r.lat!, r.long!) }))
    .filter(({ d }) => d <= DUPLICATE_RADIUS_METRES)
    .sort((a, b) => a.d - b.d);
  return { items: near.map(({ r }) => requestOf(r, municipality, language)), scanned };
}

/** The public map: open reports and those closed in the last 30 days, as RFC 7946 features; no personal data. */
export async function mapReports(deps: QueryDeps, bboxText: string, language: Language) {
  const { municipality } = deps;
  const bbox = bboxOf(bboxText, municipality, language);
  const since = new Date(deps.now().getTime() - MAP_CLOSED_DAYS * DAY_MS).toISOString();
  const { items, scanned } = bbox ? await deps.reports.inBox(bbox, (r) => r.status === 'open' || r.updatedAt >= since) : { items: [], scanned: 0 };
  return {
    scanned,
    body: {
      type: 'FeatureCollection' as const,
      features: items.map((r) => {
        const request = requestOf(r, municipality, language);
        return {
          type: 'Feature' as const,
          id: r.caseId,
          geometry: { type: 'Point' as const, coordinates: [r.long!, r.lat!] as [number, number] },
          properties: {
            service_code: r.serviceCode,
            service_name: request.service_name ?? r.serviceCode,
            status: r.status,
            requested_datetime: r.requestedAt,
            updated_datetime: r.updatedAt,
          },
        };
      }),
    },
  };
}

/** `servicerequestupdates`: status changes in a date range (default the last 24 hours, at most 31 days). */
export async function listUpdates(deps: QueryDeps, query: { start_date?: string; end_date?: string }, language: Language) {
  const end = query.end_date ? instant(query.end_date, true) : deps.now().toISOString();
  const start = query.start_date ? instant(query.start_date, false) : new Date(Date.parse(end) - DAY_MS).toISOString();
  if (start > end || Date.parse(end) - Date.parse(start) > 31 * DAY_MS) {
    throw invalid('start_date', 'Intervallet ska vara 0–31 dagar.', 'The range must be 0 to 31 days.', language);
  }
  const updates = await deps.reports.updates(start, end);
  return updates.map((u) => ({
    update_id: u.updateId,
    service_request_id: u.caseId,
    status: u.status,
    updated_datetime: u.at,
    description: u.description ?? null,
    media_url: u.mediaUrl ?? null,
  }));
}
