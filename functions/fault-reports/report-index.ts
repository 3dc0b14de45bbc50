import { timingSafeEqual } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ExtraWrite } from '../shared/case-repository.js';
import { PARTITION_PRECISION, geohash, queryCells, type BoundingBox } from './geo.js';
import type { ReportSummary } from './open311-views.js';

/**
 * The fault reports' own indexes, items of the one table keyed for their queries (no Scan, no new GSI):
 * - `O311#<yyyy-mm>` / `<requestedAt>#<caseId>`: every report by month, for `GET requests` (newest first).
 * - `O311GEO#<geohash4>` / `<geohash9>#<caseId>`: reports with a position; a bounding box is a few
 *   `begins_with` ranges of geohash cells. Closed reports leave after 90 days (TTL).
 * - `O311DUP#<service>#<geohash4>` / `<geohash9>#<caseId>`: open reports of one service of the last 30
 *   days (TTL; removed when closed), for the duplicate check.
 * - `O311UPD#<yyyy-mm-dd>` / `<at>#<caseId>#<version>`: status changes, for `servicerequestupdates`.
 * - `CASE#<caseId>` / `NOTIFY`: the reporter's address for change notices and the unsubscribe token.
 * All are written in the same transaction as the case change they follow (CaseRepository extraWrites).
 */

const DAY_S = 24 * 3600;
export const GEO_KEEP_CLOSED_DAYS = 90;
export const DUPLICATE_KEEP_DAYS = 30;

const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const month = (iso: string) => iso.slice(0, 7);
const day = (iso: string) => iso.slice(0, 10);

export interface ReportUpdate {
  readonly updateId: string;
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  readonly at: string;
  readonly description?: string;
  readonly mediaUrl?: string;
}

export interface Notification {
  readonly email: string;
  readonly token: string;
}

export const notifyKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'NOTIFY' });

/** The index items of a report as it is now; `previous` is how the indexes had it (on a change). */
export function indexWrites(report: ReportSummary, options: { previous?: ReportSummary; update?: ReportUpdate; notification?: Notification } = {}): ExtraWrite[] {
  const writes: ExtraWrite[] = [];
  const common = { report, status: report.status, serviceCode: report.serviceCode, requestedAt: report.requestedAt };
  writes.push({ put: { pk: `O311#${month(report.requestedAt)}`, sk: `${report.requestedAt}#${report.caseId}`, entity: 'open311-request', ...common } });
  if (report.lat !== undefined && report.long !== undefined) {
    const cell = geohash(report.lat, report.long, 9);
    const partition = cell.slice(0, PARTITION_PRECISION);
    const closedAt = report.status === 'closed' ? report.updatedAt : undefined;
    writes.push({
      put: {
        pk: `O311GEO#${partition}`,
        sk: `${cell}#${report.caseId}`,
        entity: 'open311-geo',
        ...common,
        lat: report.lat,
        long: report.long,
        ...(closedAt ? { closedAt, expiresAt: epochSeconds(closedAt) + GEO_KEEP_CLOSED_DAYS * DAY_S } : {}),
      },
    });
    const duplicateKey = { pk: `O311DUP#${report.serviceCode}#${partition}`, sk: `${cell}#${report.caseId}` };
    const expiresAt = epochSeconds(report.requestedAt) + DUPLICATE_KEEP_DAYS * DAY_S;
    if (report.status === 'open') writes.push({ put: { ...duplicateKey, entity: 'open311-duplicate-candidate', ...common, lat: report.lat, long: report.long, expiresAt } });
    else if (options.previous?.status === 'open') writes.push({ delete: duplicateKey });
  }
  if (options.update) {
    const u = options.update;
    writes.push({ put: { pk: `O311UPD#${day(u.at)}`, sk: `${u.at}#${u.caseId}#${u.updateId}`, entity: 'open311-update', update: u } });
  }
  if (options.notification) writes.push({ put: { ...notifyKey(report.caseId), entity: 'notify', caseId: report.caseId, ...options.notification } });
  return writes;
}

/** What a query read and what it kept, for the benchmark's items-read-per-item-returned. */
export interface IndexAnswer<T> {
  readonly items: T[];
  /** Items DynamoDB read (ScannedCount, summed over the queries). */
  readonly scanned: number;
}

export interface ReportIndex {
  /** Reports requested in [start, end], newest first, until `limit` match `keep`. */
  byTime(start: string, end: string, keep: (r: ReportSummary) => boolean, limit: number): Promise<IndexAnswer<ReportSummary>>;
  /** Reports with a position inside the box (any status the geo index still holds), matching `keep`. */
  inBox(bbox: BoundingBox, keep: (r: ReportSummary) => boolean): Promise<IndexAnswer<ReportSummary>>;
  /** Open reports of one service of the last 30 days inside the box. */
  openOfServiceInBox(serviceCode: string, bbox: BoundingBox): Promise<IndexAnswer<ReportSummary>>;
  /** Status changes in [start, end], oldest first. */
  updates(start: string, end: string): Promise<ReportUpdate[]>;
  notification(caseId: string): Promise<Notification | undefined>;
  /** Removes the reporter's address if the token matches; false when it does not (or is gone). */
  stopNotifications(caseId: string, token: string): Promise<boolean>;
}

function tokensMatch(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function dynamoReportIndex(client: DynamoDBDocumentClient, tableName: string): ReportIndex {
  async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, until?: (count: number) => boolean): Promise<{ items: Record<string, unknown>[]; scanned: number }> {
    const items: Record<string, unknown>[] = [];
    let scanned = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      scanned += page.ScannedCount ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey && !(until?.(items.length) ?? false));
    return { items, scanned };
  }

  async function cellsQuery(prefix: string, bbox: BoundingBox) {
    const results = await Promise.all(
      queryCells(bbox).map((cell) =>
        queryAll({
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cell)',
          ExpressionAttributeValues: { ':pk': `${prefix}${cell.slice(0, PARTITION_PRECISION)}`, ':cell': cell },
        }),
      ),
    );
    return { items: results.flatMap((r) => r.items), scanned: results.reduce((n, r) => n + r.scanned, 0) };
  }

  const inside = (bbox: BoundingBox) => (item: Record<string, unknown>) => {
    const { lat, long } = item as { lat: number; long: number };
    return long >= bbox[0] && long <= bbox[2] && lat >= bbox[1] && lat <= bbox[3];
  };

  return {
    async byTime(start, end, keep, limit) {
      const out: ReportSummary[] = [];
      let scanned = 0;
      const months: string[] = [];
      for (let m = new Date(`${month(end)}-01T00:00:00Z`); month(m.toISOString()) >= month(start); m.setUTCMonth(m.getUTCMonth() - 1)) months.push(month(m.toISOString()));
      for (const m of months) {
        const page = await queryAll(
          {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': `O311#${m}`, ':from': start, ':to': `${end}#~` },
            ScanIndexForward: false,
            // Pages of at most what is still needed (a filter may drop some, then the next page follows).
            Limit: Math.min(1000, limit - out.length + 1),
          },
          (count) => out.length + count >= limit,
        );
        scanned += page.scanned;
        for (const item of page.items) {
          const report = item.report as ReportSummary;
          if (keep(report)) out.push(report);
        }
        if (out.length >= limit) break;
      }
      return { items: out.slice(0, limit), scanned };
    },

    async inBox(bbox, keep) {
      const { items, scanned } = await cellsQuery('O311GEO#', bbox);
      const within = inside(bbox);
      return { items: items.filter(within).map((i) => i.report as ReportSummary).filter(keep), scanned };
    },

    async openOfServiceInBox(serviceCode, bbox) {
      const { items, scanned } = await cellsQuery(`O311DUP#${serviceCode}#`, bbox);
      const within = inside(bbox);
      return { items: items.filter(within).map((i) => i.report as ReportSummary), scanned };
    },

    async updates(start, end) {
      const days: string[] = [];
      for (let d = new Date(`${day(start)}T00:00:00Z`); day(d.toISOString()) <= day(end); d.setUTCDate(d.getUTCDate() + 1)) days.push(day(d.toISOString()));
      const pages = await Promise.all(
        days.map((d) =>
          queryAll({
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': `O311UPD#${d}`, ':from': start, ':to': `${end}#~` },
          }),
        ),
      );
      return pages.flatMap((p) => p.items.map((i) => i.update as ReportUpdate));
    },

    async notification(caseId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: notifyKey(caseId), ConsistentRead: true }));
      return Item ? { email: String(Item.email), token: String(Item.token) } : undefined;
    },

    async stopNotifications(caseId, token) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: notifyKey(caseId), ConsistentRead: true }));
      // Already unsubscribed: nothing more will be sent, which is what was asked.
      if (!Item) return true;
      if (!tokensMatch(String(Item.token), token)) return false;
      await client.send(new DeleteCommand({ TableName: tableName, Key: notifyKey(caseId) }));
      return true;
    },
  };
}
