// Fault reports in `npm run bench`: with 10,000 stored reports, the items DynamoDB reads per item returned
// for the bbox, map and duplicate queries (from the responses' ScannedCount), and p50/p99 of
// GET /open311/v2/requests.json and GET /map/reports.geojson through the local runtime.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { circleBox } from '../functions/fault-reports/geo.js';
import type { ReportSummary } from '../functions/fault-reports/open311-views.js';
import { findDuplicates, listRequests, mapReports, type QueryDeps } from '../functions/fault-reports/queries.js';
import { dynamoReportIndex, indexWrites } from '../functions/fault-reports/report-index.js';
import { dynamoCaseRepository } from '../functions/shared/case-repository.js';
import { loadMunicipality } from '../functions/shared/config.js';
import { newUlid } from '../functions/shared/ids.js';
import { startLocalPlatform } from '../local/platform.js';
import { open311RequestsQuerySchema } from '../schemas/fault-reports.js';

// The municipality file the functions carry beside their bundle; from source, the configuration file.
process.env.MUNICIPALITY_FILE ??= 'config/municipalities/jonkoping.json';

const REPORTS = Number(process.env.BENCH_OPEN311_REPORTS ?? 10_000);
const QUERIES = Number(process.env.BENCH_OPEN311_QUERIES ?? 200);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const DAY_MS = 24 * 3600 * 1000;

/** A deterministic generator, so that runs are comparable. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reports as a city has them: most around the centre and a few districts (normal, about 1.5 km), some
 * anywhere in the municipality; requested over the last 90 days; 60 % still open.
 */
function syntheticReports(now: number): ReportSummary[] {
  const municipality = loadMunicipality();
  const [west, south, east, north] = municipality.boundingBox;
  const codes = municipality.faultReportCategories.map((c) => c.code);
  const centres = [
    [57.7826, 14.1618],
    [57.7557, 14.1866],
    [57.8089, 14.2182],
    [57.7659, 14.0906],
    [57.6466, 14.2103],
  ] as const;
  const next = random(311);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return Array.from({ length: REPORTS }, () => {
    const [lat0, long0] = centres[Math.floor(next() * centres.length)]!;
    const anywhere = next() < 0.15;
    const lat = anywhere ? south + next() * (north - south) : Math.min(north, Math.max(south, lat0 + gauss() * 0.0135));
    const long = anywhere ? west + next() * (east - west) : Math.min(east, Math.max(west, long0 + gauss() * 0.025));
    const requested = now - next() * 90 * DAY_MS;
    const open = next() < 0.6;
    const updated = open ? requested : Math.min(now, requested + next() * 20 * DAY_MS);
    const at = new Date(requested);
    return {
      caseId: newUlid(requested),
      serviceCode: codes[Math.floor(next() * codes.length)]!,
      departmentId: 'tekniska',
      status: open ? 'open' : 'closed',
      description: 'Bench report',
      lat: Number(lat.toFixed(6)),
      long: Number(long.toFixed(6)),
      requestedAt: at.toISOString(),
      updatedAt: new Date(updated).toISOString(),
    } satisfies ReportSummary;
  });
}

/** The index items of the reports (what the create and status transactions write), straight to the table with BatchWrite. */
async function store(client: DynamoDBDocumentClient, tableName: string, reports: readonly ReportSummary[], now: number): Promise<number> {
  const items = reports.flatMap((report) =>
    indexWrites(report, report.status === 'closed' ? { previous: { ...report, status: 'open' } } : {})
      .flatMap((w) => ('put' in w ? [w.put] : []))
      // What DynamoDB's TTL has removed by now (expired duplicate candidates) is not written.
      .filter((item) => typeof item.expiresAt !== 'number' || item.expiresAt * 1000 > now || String(item.pk).startsWith('O311GEO#')),
  );
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let nextBatch = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (nextBatch < batches.length) {
        let requests = batches[nextBatch++]!.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length) {
          const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
  return items.length;
}

function ratio(scanned: number, returned: number): string {
  return returned === 0 ? 'n/a (nothing returned)' : (scanned / returned).toFixed(2);
}

export async function open311(): Promise<void> {
  const platform = await startLocalPlatform({ quiet: true });
  try {
    const tableName = platform.tables['Stateful/Table']!;
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: platform.dynamodbUrl, region: platform.env.region, credentials: platform.env.credentials }));
    const now = Date.now();
    const reports = syntheticReports(now);
    const started = performance.now();
    const written = await store(client, tableName, reports, now);
    console.log(`\n## Fault reports (Open311): ${REPORTS} stored reports (${written} index items, BatchWrite in ${Math.round(performance.now() - started)} ms)\n`);

    const municipality = loadMunicipality();
    const deps: QueryDeps = { cases: dynamoCaseRepository(client, tableName), reports: dynamoReportIndex(client, tableName), municipality, now: () => new Date(now) };
    const next = random(7);
    const pick = () => reports[Math.floor(next() * reports.length)]!;
    const totals = { bbox: [0, 0, 0], map: [0, 0, 0], duplicates: [0, 0, 0] };
    for (let i = 0; i < QUERIES; i++) {
      // A street-level view around a report: about 600 x 600 m.
      const around = pick();
      const box = circleBox(around.lat!, around.long!, 300);
      const bboxText = box.map((n) => n.toFixed(6)).join(',');
      const listed = await listRequests(deps, open311RequestsQuerySchema.parse({ bbox: bboxText }), 'sv');
      totals.bbox[0]! += listed.scanned;
      totals.bbox[1]! += listed.items.length;
      totals.bbox[2]! += 1;
      const map = await mapReports(deps, bboxText, 'sv');
      totals.map[0]! += map.scanned;
      totals.map[1]! += map.body.features.length;
      totals.map[2]! += 1;
      // The duplicate check a client makes before posting: at a report's place, of its service.
      const duplicates = await findDuplicates(deps, { serviceCode: around.serviceCode, lat: around.lat! + 0.0001, long: around.long! }, 'sv');
      totals.duplicates[0]! += duplicates.scanned;
      totals.duplicates[1]! += duplicates.items.length;
      totals.duplicates[2]! += 1;
    }
    console.log(`Items read per item returned, over ${QUERIES} queries each (target: 3 or less); read = DynamoDB ScannedCount summed over the query's key ranges.\n`);
    console.log('| query | items read | items returned | read per returned | mean returned per query |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, [scanned, returned, count]] of [
      ['GET /open311/v2/requests.json?bbox= (600 m box, last 90 days)', totals.bbox],
      ['GET /map/reports.geojson?bbox= (600 m box, open and closed ≤ 30 days)', totals.map],
      ['GET /open311/v2/duplicates.json (50 m, same service, open, ≤ 30 days)', totals.duplicates],
    ] as const) {
      console.log(`| ${name} | ${scanned} | ${returned} | ${ratio(scanned!, returned!)} | ${(returned! / count!).toFixed(1)} |`);
    }

    const around = reports[0]!;
    const mapBox = circleBox(around.lat!, around.long!, 1000).map((n) => n.toFixed(5)).join(',');
    const urls = [
      ['GET /open311/v2/requests.json (defaults: 90 days, 1000 rows)', `${platform.apiUrl}/open311/v2/requests.json`],
      ['GET /open311/v2/requests.json?page_size=50', `${platform.apiUrl}/open311/v2/requests.json?page_size=50`],
      ['GET /map/reports.geojson?bbox= (2 x 2 km)', `${platform.apiUrl}/map/reports.geojson?bbox=${mapBox}`],
    ] as const;
    for (const [, url] of urls) await fetch(url).then((r) => r.text()); // warm the function
    console.log(`\n## Open311 latency through the local runtime (autocannon, 10 connections, ${LOAD_SECONDS} s each)\n`);
    console.log('| route | requests | non-2xx | p50 ms | p99 ms | req/s | body bytes |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const [name, url] of urls) {
      const size = (await fetch(url).then((r) => r.text())).length;
      const r = await autocannon({ url, connections: 10, duration: LOAD_SECONDS });
      console.log(`| ${name} | ${r.requests.total} | ${r.non2xx} | ${r.latency.p50} | ${r.latency.p99} | ${r.requests.average} | ${size} |`);
    }
  } finally {
    await platform.stop();
  }
}
