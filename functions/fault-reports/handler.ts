import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { faultReportsRoutes, OPEN311_BASE, type Open311CreateRequest } from '../../schemas/fault-reports.js';
import { createApiHandler } from '../shared/api-handler.js';
import { dynamoCaseRepository } from '../shared/case-repository.js';
import { attachmentsOf } from '../shared/case-view.js';
import { documentClient, s3, ses } from '../shared/clients.js';
import { loadMunicipality, publicBaseUrl, requireEnv } from '../shared/config.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import type { ApiResult } from '../shared/http.js';
import type { Language } from '../shared/i18n.js';
import { sesMailer } from '../shared/mail.js';
import { dynamoApiKeyVerifier } from './api-keys.js';
import { changeStatus } from './change-status.js';
import { createReport } from './create-report.js';
import { FAULT_REPORT_KIND, serviceDefinitionOf, serviceOf } from './open311-views.js';
import { findDuplicates, getRequest, listRequests, listUpdates, mapReports } from './queries.js';
import { dynamoReportIndex } from './report-index.js';
import { confirmPage, donePage } from './unsubscribe.js';
import { toXml } from './xml.js';

const municipality = loadMunicipality();
const tableName = requireEnv('TABLE_NAME');
const bucket = requireEnv('ATTACHMENTS_BUCKET');
const cases = dynamoCaseRepository(documentClient(), tableName);
const reports = dynamoReportIndex(documentClient(), tableName);
const sendMail = sesMailer(ses(), municipality.mailFrom);
const now = () => new Date();
const queryDeps = { cases, reports, municipality, now };

/** When the Open311 description of this endpoint last changed (discovery `changeset`). */
const DISCOVERY_CHANGESET = '2026-12-04T00:00:00Z';

type Format = 'json' | 'xml';

/** `<id>.json` / `<id>.xml` of a `{file}` path part. */
function fileOf(file: string): { id: string; format: Format } {
  const dot = file.lastIndexOf('.');
  return { id: file.slice(0, dot), format: file.slice(dot + 1) === 'xml' ? 'xml' : 'json' };
}

/** The same data as JSON or as XML with the spec's element names. */
function answer(status: number, format: Format, root: string, value: unknown, headers?: Record<string, string>): ApiResult {
  return format === 'xml' ? { status, body: toXml(root, value), contentType: 'text/xml', headers } : { status, body: value, headers };
}

const categoryOrNotFound = (code: string) => {
  const category = municipality.faultReportCategories.find((c) => c.code === code);
  if (!category) throw new NotFoundError({ sv: 'Tjänsten {code} finns inte.', en: 'There is no service {code}.' }, { code });
  return category;
};

function discovery() {
  return {
    changeset: DISCOVERY_CHANGESET,
    contact: `${municipality.name.sv}, ${municipality.mailFrom}`,
    key_service: `${municipality.name.en} issues api_keys to client developers on request (${municipality.mailFrom}).`,
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${publicBaseUrl(municipality)}${OPEN311_BASE}`,
        changeset: DISCOVERY_CHANGESET,
        type: 'production' as const,
        formats: ['application/json', 'text/xml'],
      },
    ],
    extensions: [
      { name: 'page, page_size', description: 'GET requests: page (from 1) and page_size (1-1000) on top of the 1000-row default.' },
      { name: 'bbox', description: 'GET requests: west,south,east,north (WGS 84): only requests in the box.' },
      { name: 'photos', description: 'POST requests answers access_code; POST /cases/{service_request_id}/attachments with it uploads photos (presigned PUT), as many as needed. media_url points at the first accepted photo.' },
      { name: 'notes', description: 'GET requests/{id}: notes, the update history of the request.' },
      { name: 'servicerequestupdates', description: 'GET servicerequestupdates.json?start_date=&end_date=: status changes of all requests (at most 31 days).' },
      { name: 'duplicates', description: 'GET duplicates.json?service_code=&lat=&long=: open requests of the service within 50 m from the last 30 days.' },
      { name: 'map', description: 'GET /map/reports.geojson?bbox=: open and recently closed requests as GeoJSON (RFC 7946).' },
    ],
  };
}

const services = (language: Language) => municipality.faultReportCategories.map((c) => serviceOf(c, language));

export const handler = createApiHandler({
  routes: faultReportsRoutes,
  departmentIds: new Set(municipality.departments.map((d) => d.id)),
  verifyApiKey: dynamoApiKeyVerifier(documentClient(), tableName),
  operations: {
    open311Discovery: async () => answer(200, 'json', 'discovery', discovery()),
    open311DiscoveryXml: async () => answer(200, 'xml', 'discovery', discovery()),
    open311ListServices: async ({ language }) => answer(200, 'json', 'services', services(language)),
    open311ListServicesXml: async ({ language }) => answer(200, 'xml', 'services', services(language)),
    open311GetServiceDefinition: async ({ params, language }) => {
      const { id, format } = fileOf(params.file);
      return answer(200, format, 'service_definition', serviceDefinitionOf(categoryOrNotFound(id), language));
    },
    open311ListRequests: async ({ query, language }) => answer(200, 'json', 'service_requests', (await listRequests(queryDeps, query, language)).items),
    open311ListRequestsXml: async ({ query, language }) => answer(200, 'xml', 'service_requests', (await listRequests(queryDeps, query, language)).items),
    open311CreateRequest: async ({ body, language, log, caller }) => {
      const created = await createReport({ cases, sendMail, municipality, now, log }, body as Open311CreateRequest, language, caller);
      return answer(201, 'json', 'service_requests', [created], { Location: `${OPEN311_BASE}/requests/${created.service_request_id}.json` });
    },
    open311CreateRequestXml: async ({ body, language, log, caller }) => {
      const created = await createReport({ cases, sendMail, municipality, now, log }, body as Open311CreateRequest, language, caller);
      return answer(201, 'xml', 'service_requests', [created], { Location: `${OPEN311_BASE}/requests/${created.service_request_id}.xml` });
    },
    open311GetRequest: async ({ params, language }) => {
      const { id, format } = fileOf(params.file);
      return answer(200, format, 'service_requests', [await getRequest(queryDeps, id, language)]);
    },
    open311GetToken: async ({ params, language }) => {
      // A report is registered at once, so its token is its id.
      const { id, format } = fileOf(params.file);
      const request = await getRequest(queryDeps, id, language);
      return answer(200, format, 'service_requests', [{ service_request_id: request.service_request_id, token: id }]);
    },
    open311ListUpdates: async ({ query, language }) => answer(200, 'json', 'service_request_updates', await listUpdates(queryDeps, query, language)),
    open311FindDuplicates: async ({ query, language }) => {
      const found = await findDuplicates(queryDeps, { serviceCode: query.service_code, lat: query.lat, long: query.long }, language);
      return answer(200, 'json', 'service_requests', found.items);
    },
    open311GetMedia: async ({ params }) => {
      const found = await cases.getCase(params.caseId);
      const photo = found?.record.kind === FAULT_REPORT_KIND ? attachmentsOf(found.events).find((a) => a.attachmentId === params.attachmentId && a.status === 'accepted') : undefined;
      if (!photo) throw new NotFoundError({ sv: 'Fotot finns inte.', en: 'There is no such photo.' });
      const url = await getSignedUrl(s3(), new GetObjectCommand({ Bucket: bucket, Key: `cases/${params.caseId}/${params.attachmentId}` }), { expiresIn: 300 });
      return { status: 302, headers: { Location: url, 'Cache-Control': 'private, max-age=60' } };
    },
    mapReports: async ({ query, language }) => {
      const { body } = await mapReports(queryDeps, query.bbox, language);
      return { status: 200, body: JSON.stringify(body), contentType: 'application/geo+json' };
    },
    changeFaultReportStatus: async ({ params, body, caller, log }) => ({
      status: 200,
      body: await changeStatus({ cases, reports, sendMail, municipality, now, log }, { caseId: params.caseId, caller, change: body }),
    }),
    confirmUnsubscribe: async ({ params, language }) => ({ status: 200, body: confirmPage(params.caseId, params.subscriptionId, language), contentType: 'text/html' }),
    unsubscribe: async ({ params, language }) => {
      if (!(await reports.stopNotifications(params.caseId, params.subscriptionId))) {
        throw new ValidationError([{ path: 'path.subscriptionId', message: 'not the subscription of this report' }], { sv: 'Länken är ogiltig.', en: 'The link is not valid.' });
      }
      return { status: 200, body: donePage(language), contentType: 'text/html' };
    },
  },
});

