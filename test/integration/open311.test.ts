import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { getIssues } from '@placemarkio/check-geojson';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../functions/fault-reports/api-keys.js';
import { indexWrites } from '../../functions/fault-reports/report-index.js';
import { apiUrl, call, documentClient, mailbox, officerToken, residentToken, tableName, thisYear, type Answer } from './support.js';

// The GeoReport v2 JSON Schemas, loaded as they are, under their file names (they $ref each other by name).
const FIXTURES = join(import.meta.dirname, '../../../shared/fixtures/open311-georeport-v2');
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
for (const file of ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json']) {
  ajv.addSchema(JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')), file);
}
function expectValid(schema: string, data: unknown): void {
  const valid = ajv.validate(schema, data);
  expect(ajv.errors ?? [], `${schema}: ${ajv.errorsText()}`).toEqual([]);
  expect(valid).toBe(true);
}

const xml = new XMLParser({
  isArray: (name) => ['service', 'request', 'attribute', 'value', 'note', 'error'].includes(name),
  parseTagValue: false,
  trimValues: false,
});
/** The spec's element names of list items inside an object (`<attributes><attribute>`...). */
const XML_ITEMS: Record<string, string> = { attributes: 'attribute', values: 'value', notes: 'note' };
/** How the XML carries a JSON value: text for numbers and booleans, an empty element for null, lists wrapped in item elements. */
function asXmlText(value: unknown): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(asXmlText);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, Array.isArray(v) ? { [XML_ITEMS[k] ?? 'item']: asXmlText(v) } : asXmlText(v)]));
  }
  return String(value);
}

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(300, 7), Buffer.from([0xff, 0xd9])]);
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const V2 = '/open311/v2';
const form = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  return params.toString();
};
const post = (path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) => call('POST', path, { body: form(fields), headers: { ...FORM, ...headers } });

let apiKey: string;
beforeAll(async () => {
  ({ apiKey } = await issueApiKey(documentClient, tableName, { clientName: 'integration tests', ratePerMinute: 10_000 }));
});

function streetLight(overrides: Record<string, string | string[]> = {}) {
  return { api_key: apiKey, service_code: 'street-light', lat: '57.78260', long: '14.16180', description: 'Lampan vid busshållplatsen är släckt.', email: 'reporter@example.se', 'attribute[fault]': 'out', ...overrides };
}

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function reportItems(): Promise<number> {
  const month = new Date().toISOString().slice(0, 7);
  const page = await documentClient.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `O311#${month}` }, Select: 'COUNT' }));
  return page.Count ?? 0;
}

describe('Open311 GeoReport v2', () => {
  it('lists the services and their definitions, in JSON (valid by the fixtures) and XML with the same data', async () => {
    const services = await call('GET', `${V2}/services.json`, { headers: { 'Accept-Language': 'en' } });
    expect(services.status).toBe(200);
    expectValid('services.json', services.json);
    expect(services.json.map((s: { service_code: string }) => s.service_code)).toEqual(['street-light', 'pothole', 'graffiti', 'litter', 'playground', 'traffic-sign']);
    expect(services.json[0]).toMatchObject({ service_name: 'Street lighting', metadata: true, type: 'realtime' });

    const servicesXml = await call('GET', `${V2}/services.xml`, { headers: { 'Accept-Language': 'en' } });
    expect(servicesXml.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(xml.parse(servicesXml.text).services.service).toEqual(asXmlText(services.json));

    for (const { service_code } of services.json as { service_code: string }[]) {
      const definition = await call('GET', `${V2}/services/${service_code}.json`);
      expect(definition.status).toBe(200);
      expectValid('service-definition.json', definition.json);
      const definitionXml = await call('GET', `${V2}/services/${service_code}.xml`);
      expect(xml.parse(definitionXml.text).service_definition).toEqual(asXmlText(definition.json));
    }
  });

  it('describes itself and its extensions in discovery.json and .xml', async () => {
    const discovery = await call('GET', `${V2}/discovery.json`);
    expect(discovery.status).toBe(200);
    expect(discovery.json.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['application/json', 'text/xml'] });
    expect(discovery.json.extensions.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['bbox', 'photos', 'servicerequestupdates', 'duplicates']));
    const discoveryXml = await call('GET', `${V2}/discovery.xml`);
    expect(xml.parse(discoveryXml.text).discovery.changeset).toBe(discovery.json.changeset);
  });

  it('plays a client journey: post with photos, token, request, an officer changes the status, updates feed, closed', async () => {
    // Post
    const posted = await post(`${V2}/requests.json`, streetLight());
    expect(posted.status).toBe(201);
    expectValid('requests.json', posted.json);
    const [created] = posted.json as { service_request_id: string; token: string; access_code: string; diarienummer: string }[];
    expect(created!.diarienummer).toMatch(new RegExp(`^TN ${thisYear()}:\\d+$`));
    const id = created!.service_request_id;

    // Two photos through the case attachments route; media_url points at the first accepted one.
    const photos: string[] = [];
    for (const name of ['lampa-1.jpg', 'lampa-2.jpg']) {
      const upload = await call('POST', `/cases/${id}/attachments`, { body: { fileName: name, contentType: 'image/jpeg', size: JPEG.length }, headers: { 'X-Access-Code': created!.access_code } });
      expect(upload.status).toBe(201);
      expect((await fetch(upload.json.uploadUrl, { method: 'PUT', headers: upload.json.uploadHeaders, body: JPEG })).status).toBe(200);
      photos.push(upload.json.attachmentId);
    }
    const withPhoto = await until('the photos to be checked', async () => {
      const view = await call('GET', `/cases/${id}`, { headers: { 'X-Access-Code': created!.access_code } });
      return view.json.attachments.every((a: { status: string }) => a.status === 'accepted') && view.json.attachments.length === 2 ? view : undefined;
    });
    expect(withPhoto.json).toMatchObject({ kind: 'fault-report', diarienummer: created!.diarienummer, answers: { reporter: '***' } });
    const request = await call('GET', `${V2}/requests/${id}.json`);
    expectValid('requests.json', request.json);
    expect(request.json[0].media_url).toBe(`${apiUrl}${V2}/media/${id}/${photos[0]}`);
    const photo = await fetch(request.json[0].media_url);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(JPEG);
    // The list answers (from the index) carry the photo too, and the department was told of each photo.
    // (a list by service reads the index, not the case)
    const inList = await call('GET', `${V2}/requests.json?service_code=street-light&page_size=1000`);
    expect(inList.json.find((r: { service_request_id: string }) => r.service_request_id === id).media_url).toBe(request.json[0].media_url);
    const photoNotices = await until('the photo notices', async () => {
      const notices = (await mailbox()).filter((m) => m.destination.to.includes('tekniska@jonkoping.se') && m.subject === `Foto till felanmälan ${created!.diarienummer}`);
      return notices.length === 2 ? notices : undefined;
    });
    for (const attachmentId of photos) {
      expect(photoNotices.some((m) => m.body.text?.includes(`${apiUrl}${V2}/media/${id}/${attachmentId}`)), attachmentId).toBe(true);
    }

    // Token, and the request as XML with the same data
    const token = await call('GET', `${V2}/tokens/${created!.token}.json`);
    expect(token.json).toEqual([{ service_request_id: id, token: id }]);
    const requestXml = await call('GET', `${V2}/requests/${id}.xml`);
    expect(xml.parse(requestXml.text).service_requests.request).toEqual(asXmlText(request.json));

    // The department was mailed the report with a map link
    const departmentMail = await until('the department mail', async () => (await mailbox()).find((m) => m.destination.to.includes('tekniska@jonkoping.se') && m.subject.includes(created!.diarienummer)));
    expect(departmentMail.body.text).toContain('https://www.openstreetmap.org/?mlat=57.7826&mlon=14.1618');

    // An officer of another department cannot, one of the department can
    const since = new Date(Date.now() - 1000).toISOString();
    const stranger = await call('POST', `/fault-reports/${id}/status`, { body: { status: 'in-progress' }, token: await officerToken('miljo') });
    expect(stranger.status).toBe(404);
    expect((await call('POST', `/fault-reports/${id}/status`, { body: { status: 'in-progress' } })).status).toBe(401);
    const officer = await officerToken('tekniska');
    const progress = await call('POST', `/fault-reports/${id}/status`, { body: { status: 'in-progress', statusNotes: 'Beställt hos elfirman.' }, token: officer });
    expect(progress.json).toEqual({ caseId: id, status: 'in-progress', open311Status: 'open', reporterNotified: true });

    // The reporter's mail has an unsubscribe link: opening it (as a mail scanner would) changes nothing
    const notice = await until('the status mail', async () => (await mailbox()).find((m) => m.destination.to.includes('reporter@example.se') && m.body.text?.includes('Beställt hos elfirman.')));
    const link = /https?:\/\/\S+\/unsubscribe\/\S+/.exec(notice.body.text!)![0];
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');

    const closed = await call('POST', `/fault-reports/${id}/status`, { body: { status: 'closed', statusNotes: 'Lampan är bytt.' }, token: officer });
    expect(closed.json).toMatchObject({ open311Status: 'closed', reporterNotified: true });
    expect((await call('POST', `/fault-reports/${id}/status`, { body: { status: 'closed' }, token: officer })).status).toBe(400);

    // One click stops the mails (RFC 8058 body); later changes are not mailed
    const unsubscribed = await fetch(link, { method: 'POST', headers: FORM, body: 'List-Unsubscribe=One-Click' });
    expect(unsubscribed.status).toBe(200);
    const reopened = await call('POST', `/fault-reports/${id}/status`, { body: { status: 'open', statusNotes: 'Trasig igen.' }, token: officer });
    expect(reopened.json.reporterNotified).toBe(false);
    const closedAgain = await call('POST', `/fault-reports/${id}/status`, { body: { status: 'closed', statusNotes: 'Lagad igen.' }, token: officer });
    expect(closedAgain.status).toBe(200);
    expect((await mailbox()).filter((m) => m.destination.to.includes('reporter@example.se') && m.subject.includes(created!.diarienummer)).map((m) => m.body.text?.includes('Trasig igen.'))).not.toContain(true);

    // The request, its notes and the updates feed
    const final = await call('GET', `${V2}/requests/${id}.json`, { headers: { 'Accept-Language': 'en' } });
    expectValid('requests.json', final.json);
    expect(final.json[0]).toMatchObject({ status: 'closed', status_notes: 'Lagad igen.', agency_responsible: 'Technical Services Office' });
    expect(final.json[0].notes.map((n: { status: string }) => n.status)).toEqual(['open', 'open', 'closed', 'open', 'closed']);
    const updates = await call('GET', `${V2}/servicerequestupdates.json?start_date=${encodeURIComponent(since)}`);
    expect(updates.status).toBe(200);
    expect(updates.json.filter((u: { service_request_id: string }) => u.service_request_id === id).map((u: { status: string; description: string }) => [u.status, u.description])).toEqual([
      ['open', 'Beställt hos elfirman.'],
      ['closed', 'Lampan är bytt.'],
      ['open', 'Trasig igen.'],
      ['closed', 'Lagad igen.'],
    ]);

    // Listed with the filters, in JSON and XML; and the case is a case like any other
    const listed = await call('GET', `${V2}/requests.json?status=closed&service_code=street-light`);
    expectValid('requests.json', listed.json);
    expect(listed.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    const listedXml = await call('GET', `${V2}/requests.xml?status=closed&service_code=street-light`);
    expect(xml.parse(listedXml.text).service_requests.request).toEqual(asXmlText(listed.json));
    const asCase = await call('GET', `/cases/${id}`, { headers: { 'X-Access-Code': created!.access_code } });
    expect(asCase.json.history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['submitted', 'attachment-accepted', 'status-changed']));
    expect(asCase.json.status).toBe('closed');
  });

  it('answers a POST to requests.xml with the same data as XML, and tokens in XML', async () => {
    const posted = await post(`${V2}/requests.xml`, streetLight({ description: 'Via XML', email: 'xml@example.se' }));
    expect(posted.status).toBe(201);
    expect(posted.headers.get('content-type')).toMatch(/^text\/xml/);
    const [created] = xml.parse(posted.text).service_requests.request as Record<string, string>[];
    expect(created).toMatchObject({ status: 'open', service_code: 'street-light', description: 'Via XML', lat: '57.7826', token: created!.service_request_id });
    const json = await call('GET', `${V2}/requests/${created!.service_request_id}.json`);
    expect(json.json[0].requested_datetime).toBe(created!.requested_datetime);
    const token = await call('GET', `${V2}/tokens/${created!.token}.xml`);
    expect(xml.parse(token.text).service_requests.request).toEqual([{ service_request_id: created!.service_request_id, token: created!.token }]);
  });

  it("puts a signed-in resident's report in their cases", async () => {
    // A resident of their own: other suites count the cases of theirs.
    const token = await residentToken('191212121212');
    const body = form({ api_key: apiKey, service_code: 'pothole', lat: '57.78', long: '14.17', 'attribute[surface]': 'road' });
    const posted = await call('POST', `${V2}/requests.json`, { body, headers: FORM, token });
    expect(posted.status, posted.text).toBe(201);
    const mine = await call('GET', '/me/cases', { token });
    expect(mine.json.items.map((c: { caseId: string }) => c.caseId)).toContain(posted.json[0].service_request_id);
  });

  it('finds likely duplicates from the index: open, same service, within 50 m', async () => {
    const base = { lat: '57.70010', long: '14.20010' };
    const first = await post(`${V2}/requests.json`, { api_key: apiKey, service_code: 'graffiti', ...base, 'attribute[surface]': 'wall' });
    await post(`${V2}/requests.json`, { api_key: apiKey, service_code: 'litter', ...base, 'attribute[kind][]': 'litter' });
    const far = await post(`${V2}/requests.json`, { api_key: apiKey, service_code: 'graffiti', lat: '57.70080', long: '14.20010', 'attribute[surface]': 'wall' }); // about 78 m north
    const found = await call('GET', `${V2}/duplicates.json?service_code=graffiti&lat=57.70030&long=14.20010`); // about 22 m
    expect(found.status).toBe(200);
    expectValid('requests.json', found.json.length ? found.json : [first.json[0]]);
    expect(found.json.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([first.json[0].service_request_id]);
    expect(far.status).toBe(201);

    const officer = await officerToken('tekniska');
    await call('POST', `/fault-reports/${first.json[0].service_request_id}/status`, { body: { status: 'closed', statusNotes: 'Sanerat.' }, token: officer });
    expect((await call('GET', `${V2}/duplicates.json?service_code=graffiti&lat=57.70030&long=14.20010`)).json).toEqual([]);
  });

  it('serves the map as an RFC 7946 FeatureCollection without personal data, and filters requests by bbox', async () => {
    const posted = await post(`${V2}/requests.json`, streetLight({ lat: '57.75000', long: '14.10000', email: 'secret.person@example.se', first_name: 'Hemlig' }));
    const id = posted.json[0].service_request_id;
    const map = await call('GET', '/map/reports.geojson?bbox=14.09,57.74,14.11,57.76');
    expect(map.status).toBe(200);
    expect(map.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(getIssues(map.text)).toEqual([]);
    expect(map.json.features.find((f: { id: string }) => f.id === id)).toMatchObject({ geometry: { type: 'Point', coordinates: [14.1, 57.75] }, properties: { status: 'open' } });
    expect(map.text).not.toMatch(/secret\.person|Hemlig/);

    const inBox = await call('GET', `${V2}/requests.json?bbox=14.09,57.74,14.11,57.76`);
    expectValid('requests.json', inBox.json);
    expect(inBox.json.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    expect(inBox.json.every((r: { lat: number; long: number }) => r.lat >= 57.74 && r.lat <= 57.76 && r.long >= 14.09 && r.long <= 14.11)).toBe(true);
    const elsewhere = await call('GET', `${V2}/requests.json?bbox=14.15,57.79,14.16,57.80`);
    expect(elsewhere.json.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
    expect((await call('GET', '/map/reports.geojson?bbox=14,58,13,57')).status).toBe(400);
  });

  it('pages requests with page and page_size, newest first', async () => {
    // From this instant on, only these reports (the server's clock is this machine's).
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await post(`${V2}/requests.json`, streetLight({ description: `Sida ${i}` }))).json[0].service_request_id);
    const range = `start_date=${encodeURIComponent(since)}&service_code=street-light`;
    const first = await call('GET', `${V2}/requests.json?${range}&page_size=2`);
    const second = await call('GET', `${V2}/requests.json?${range}&page_size=2&page=2`);
    expectValid('requests.json', first.json);
    const paged = [...first.json, ...second.json].map((r: { service_request_id: string }) => r.service_request_id);
    expect(paged).toEqual([...ids].reverse());
  });
});

describe('Open311 errors', () => {
  const expectErrors = (answer: Answer, status: number) => {
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual([{ code: status, description: expect.any(String) }]);
  };

  it('fails with 403 without an api_key or with an unknown one, before looking at the body', async () => {
    expectErrors(await post(`${V2}/requests.json`, { service_code: 'street-light' }), 403);
    expectErrors(await post(`${V2}/requests.json`, { ...streetLight(), api_key: 'o311_not-a-key' }), 403);
    const xmlAnswer = await post(`${V2}/requests.xml`, { service_code: 'x' });
    expect(xmlAnswer.status).toBe(403);
    expect(xml.parse(xmlAnswer.text).errors.error[0].code).toBe('403');
  });

  it('fails with 405 for an unsupported method, as Open311 errors with an Allow header', async () => {
    const answer = await call('DELETE', `${V2}/services.json`);
    expectErrors(answer, 405);
    expect(answer.headers.get('allow')).toBe('GET');
  });

  it('fails with 404 for an unknown service, request or token, in the format asked for', async () => {
    expectErrors(await call('GET', `${V2}/services/no-such.json`), 404);
    expectErrors(await call('GET', `${V2}/requests/01JEX4V6S7D9W0Y2A4C6E8G0J2.json`), 404);
    expectErrors(await call('GET', `${V2}/tokens/01JEX4V6S7D9W0Y2A4C6E8G0J2.json`), 404);
    const answer = await call('GET', `${V2}/services/no-such.xml`);
    expect(answer.status).toBe(404);
    expect(xml.parse(answer.text).errors.error[0]).toEqual({ code: '404', description: expect.stringContaining('no-such') });
  });

  it('fails with 400 for a position outside the municipality, a description with markup, or a bad filter; nothing is stored', async () => {
    const before = await reportItems();
    expectErrors(await post(`${V2}/requests.json`, streetLight({ lat: '59.3293', long: '18.0686' })), 400);
    expectErrors(await post(`${V2}/requests.json`, streetLight({ description: '<script>alert(1)</script>' })), 400);
    expectErrors(await post(`${V2}/requests.json`, streetLight({ description: 'x'.repeat(4001) })), 400);
    expectErrors(await post(`${V2}/requests.json`, streetLight({ 'attribute[fault]': 'exploded' })), 400);
    expect(await reportItems()).toBe(before);
    expectErrors(await call('GET', `${V2}/requests.json?status=pending`), 400);
    expectErrors(await call('GET', `${V2}/requests.json?start_date=yesterday`), 400);
    expectErrors(await call('GET', `${V2}/services/street-light.html`), 400);
  });

  it("fails with 429 over the client's own rate limit, while other clients go on", async () => {
    const { apiKey: limited } = await issueApiKey(documentClient, tableName, { clientName: 'slow client', ratePerMinute: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(`${V2}/requests.json`, { ...streetLight({ description: `${i}` }), api_key: limited })).status);
    // The third may land in a new minute; then the fourth is refused.
    if (statuses[2] !== 429) statuses.push((await post(`${V2}/requests.json`, { ...streetLight(), api_key: limited })).status);
    expect(statuses).toContain(429);
    const refused = await post(`${V2}/requests.json`, { ...streetLight(), api_key: limited });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(`${V2}/requests.json`, streetLight())).status).toBe(201);
  });

  it('answers only 4xx to any malformed form body, and stores nothing (fast-check)', async () => {
    const before = await reportItems();
    const corruption = fc.oneof(
      fc.constant<Record<string, string | string[]>>({ service_code: '' }),
      fc.string({ maxLength: 30 }).filter((s) => !['street-light', 'pothole', 'graffiti', 'litter', 'playground', 'traffic-sign'].includes(s)).map((s) => ({ service_code: s })),
      fc.string({ maxLength: 20 }).map((s) => ({ 'attribute[fault]': `x${s}` })),
      fc.constant({ 'attribute[fault][]': ['out', 'flickering'] }),
      fc.oneof(fc.constant('91'), fc.constant('abc'), fc.constant('1e5'), fc.constant(''), fc.double().map(String)).map((lat) => ({ lat })),
      fc.constant({ lat: '58.5', long: '14.1' }),
      fc.integer({ min: 4001, max: 40_000 }).map((n) => ({ description: 'å'.repeat(n) })),
      fc.constant({ email: 'not-an-email' }),
      fc.constant({ 'attribute[no_such]': '1' }),
      fc.constant({ unknown_field: '1' }),
      fc.constant({ 'description[]': 'a' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(corruption, { minLength: 1, maxLength: 3 }), fc.boolean(), async (corruptions, dropLocation) => {
        const body: Record<string, string | string[]> = streetLight();
        if (dropLocation) {
          delete body.lat;
          delete body.long;
        }
        for (const c of corruptions) Object.assign(body, c);
        if (dropLocation && !corruptions.some((c) => 'lat' in c)) body.service_code = `${body.service_code}-nope`;
        const answer = await post(`${V2}/requests.json`, body);
        expect(answer.status, `${answer.status} ${answer.text}`).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(Array.isArray(answer.json)).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(await reportItems()).toBe(before);
  });
});

describe('Open311 concurrency', () => {
  it('gives 200 reports posted at once 200 distinct ids and diarienummer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(`${V2}/requests.json`, { api_key: apiKey, service_code: 'litter', lat: '57.7', long: `14.${String(1000 + i)}`, 'attribute[kind][]': 'litter' })),
    );
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    const ids = new Set(answers.map((a) => a.json[0].service_request_id));
    const numbers = new Set(answers.map((a) => a.json[0].diarienummer));
    expect(ids.size).toBe(200);
    expect(numbers.size).toBe(200);

    // Leave the shared table as small as found: other suites scan it after each of their checks.
    const keys = answers.flatMap((a) => {
      const r = a.json[0] as { service_request_id: string; lat: number; long: number; requested_datetime: string };
      const summary = { caseId: r.service_request_id, serviceCode: 'litter', departmentId: 'tekniska', status: 'open' as const, lat: r.lat, long: r.long, requestedAt: r.requested_datetime, updatedAt: r.requested_datetime };
      return indexWrites(summary).flatMap((w) => ('put' in w ? [{ pk: w.put.pk, sk: w.put.sk }] : []));
    });
    for (const id of ids) {
      const { Items = [] } = await documentClient.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `CASE#${String(id)}` } }));
      keys.push(...Items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
    }
    for (let i = 0; i < keys.length; i += 25) {
      await documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) } }));
    }
  });
});
