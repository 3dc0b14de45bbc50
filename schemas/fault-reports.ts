import * as z from 'zod';
import type { RouteSpec } from './api.js';
import { caseIdSchema, caseStatusSchema } from './cases.js';
import { problemSchema } from './problem.js';

/**
 * Fault reports (e-service S2, and S7's map data) through Open311 GeoReport v2 under `/open311/v2/`, the
 * officer's status route, the reporter's unsubscribe, and the public map layer. JSON answers follow the
 * GeoReport v2 JSON Schemas; `.xml` paths carry the same data with the spec's element names.
 */

export const OPEN311_BASE = '/open311/v2';
/** Descriptions longer than this are refused (GeoReport v2 `description` maxLength). */
export const MAX_DESCRIPTION_LENGTH = 4000;
/** Defaults of `GET requests`: the spec's 90 days and 1000 rows. */
export const DEFAULT_RANGE_DAYS = 90;
export const MAX_REQUESTS_ROWS = 1000;
/** Duplicates: open reports of the same category this close, this recent. */
export const DUPLICATE_RADIUS_METRES = 50;
export const DUPLICATE_DAYS = 30;
/** The map shows open reports and those closed this recently. */
export const MAP_CLOSED_DAYS = 30;

const nullableString = (max: number) => z.string().max(max).nullable();
const dateTime = z.string().max(40).meta({ description: 'ISO 8601 / W3C date and time' });

export const open311ServiceSchema = z
  .object({
    service_code: z.string().max(40),
    service_name: z.string().max(200),
    description: nullableString(1000),
    metadata: z.boolean(),
    type: z.enum(['realtime', 'batch', 'blackbox']),
    keywords: nullableString(1000),
    group: nullableString(200),
  })
  .meta({ id: 'Open311Service' });
export type Open311Service = z.infer<typeof open311ServiceSchema>;

export const open311ServiceDefinitionSchema = z
  .object({
    service_code: z.string().max(40),
    attributes: z.array(
      z.object({
        variable: z.boolean(),
        code: z.string().max(40),
        datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
        required: z.boolean(),
        datatype_description: nullableString(500),
        order: z.number().int().min(1).max(100),
        description: z.string().max(500),
        values: z.array(z.object({ key: z.string().max(40), name: z.string().max(500) })).max(100).optional(),
      }),
    ).max(20),
  })
  .meta({ id: 'Open311ServiceDefinition' });
export type Open311ServiceDefinition = z.infer<typeof open311ServiceDefinitionSchema>;

export const open311NoteSchema = z.object({
  datetime: dateTime,
  status: z.enum(['open', 'closed']),
  description: z.string().max(4000),
});

export const open311RequestSchema = z
  .object({
    service_request_id: caseIdSchema,
    status: z.enum(['open', 'closed']),
    status_notes: nullableString(4000),
    service_name: nullableString(200),
    service_code: z.string().max(40),
    description: nullableString(MAX_DESCRIPTION_LENGTH),
    agency_responsible: nullableString(200),
    service_notice: nullableString(500),
    requested_datetime: dateTime,
    updated_datetime: dateTime.nullable(),
    expected_datetime: dateTime.nullable(),
    address: nullableString(500),
    address_id: nullableString(100),
    zipcode: nullableString(20),
    lat: z.number().min(-90).max(90).nullable(),
    long: z.number().min(-180).max(180).nullable(),
    media_url: z.url().max(2000).nullable(),
    notes: z.array(open311NoteSchema).max(1000).optional().meta({ description: 'Extension: the update history (single request only)' }),
  })
  .meta({ id: 'Open311Request' });
export type Open311Request = z.infer<typeof open311RequestSchema>;

export const open311CreatedSchema = open311RequestSchema
  .extend({
    token: z.string().max(40).meta({ description: 'For `tokens/{token}`: here the same as the id, since a report is registered at once' }),
    account_id: z.null(),
    diarienummer: z.string().max(30).meta({ description: 'Extension: the case number in the municipality register' }),
    access_code: z.string().max(64).meta({ description: 'Extension: follows the case (`GET /cases/{caseId}`) and adds photos (`POST /cases/{caseId}/attachments`). Shown once.' }),
  })
  .meta({ id: 'Open311CreatedRequest' });

export const open311TokenSchema = z.object({ service_request_id: caseIdSchema.nullable(), token: z.string().max(40) }).meta({ id: 'Open311Token' });

export const open311UpdateSchema = z
  .object({
    update_id: z.string().max(60),
    service_request_id: caseIdSchema,
    status: z.enum(['open', 'closed']),
    updated_datetime: dateTime,
    description: nullableString(4000),
    media_url: z.url().max(2000).nullable(),
  })
  .meta({ id: 'Open311ServiceRequestUpdate' });

export const open311ErrorSchema = z
  .array(z.object({ code: z.number().int().min(400).max(599), description: z.string().max(4000) }))
  .max(10)
  .meta({ id: 'Open311Errors', description: 'GeoReport v2 errors' });

export const open311DiscoverySchema = z
  .object({
    changeset: dateTime,
    contact: z.string().max(500),
    key_service: z.string().max(500),
    endpoints: z.array(
      z.object({
        specification: z.string().max(200),
        url: z.string().max(500),
        changeset: dateTime,
        type: z.enum(['production', 'test']),
        formats: z.array(z.string().max(40)).max(5),
      }),
    ).max(5),
    extensions: z.array(z.object({ name: z.string().max(100), description: z.string().max(1000) })).max(20).meta({ description: 'What this endpoint adds to GeoReport v2' }),
  })
  .meta({ id: 'Open311Discovery' });

/** `<id>.json` or `<id>.xml`, since API Gateway cannot have a parameter and a suffix in one path part. */
export const open311FileSchema = z
  .string()
  .max(80)
  .regex(/^[A-Za-z0-9_-]{1,70}\.(json|xml)$/, 'must be <id>.json or <id>.xml')
  .meta({ description: '`<id>.json` or `<id>.xml`', example: 'street-light.json' });

const commaList = (item: z.ZodType, max: number) =>
  z
    .string()
    .max(2000)
    .transform((text, ctx) => {
      const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
      if (parts.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} values` });
      for (const part of parts) if (!item.safeParse(part).success) ctx.addIssue({ code: 'custom', message: `${part.slice(0, 40)} is not valid here` });
      return parts;
    });

const isoDate = z.iso.datetime({ offset: true }).max(40).or(z.iso.date().max(10));

export const open311RequestsQuerySchema = z.object({
  service_request_id: commaList(caseIdSchema, 100).optional().meta({ description: 'Comma-separated ids; when given, the other filters are ignored' }),
  service_code: commaList(z.string().regex(/^[a-z][a-z0-9-]{1,39}$/), 20).optional().meta({ description: 'Comma-separated service codes' }),
  start_date: isoDate.optional().meta({ description: 'Earliest requested_datetime (default: 90 days before end_date)' }),
  end_date: isoDate.optional().meta({ description: 'Latest requested_datetime (default: now)' }),
  status: commaList(z.enum(['open', 'closed']), 2).optional().meta({ description: 'open, closed, or both comma-separated' }),
  bbox: z.string().max(100).optional().meta({ description: 'Extension: west,south,east,north (WGS 84)', example: '14.15,57.77,14.18,57.79' }),
  page: z.coerce.number().int().min(1).max(1000).default(1).meta({ description: 'Extension: page number, from 1' }),
  page_size: z.coerce.number().int().min(1).max(MAX_REQUESTS_ROWS).default(MAX_REQUESTS_ROWS).meta({ description: 'Extension: rows per page (at most 1000)' }),
  jurisdiction_id: z.string().max(100).optional().meta({ description: 'Accepted and ignored: this endpoint serves one jurisdiction' }),
});
export type Open311RequestsQuery = z.infer<typeof open311RequestsQuerySchema>;

const formText = (max: number) => z.string().max(max);
const attributeValue = z.union([z.string().max(1000), z.array(z.string().max(200)).max(50)]);

/** The POST body, after form-urlencoded parsing (`attribute[code]` and `attribute[code][]` become a group). */
export const open311CreateRequestSchema = z
  .object({
    api_key: formText(200).optional().meta({ description: "The client's API key (or send it in the `X-Api-Key` header)" }),
    service_code: z.string().max(40),
    lat: z.string().max(40).optional(),
    long: z.string().max(40).optional(),
    address_string: formText(500).optional(),
    address_id: formText(100).optional(),
    description: z.string().max(MAX_DESCRIPTION_LENGTH).optional().meta({ description: `At most ${MAX_DESCRIPTION_LENGTH} characters, no markup` }),
    email: z.email().max(254).optional().meta({ description: 'The reporter: notified of each change, with a one-click unsubscribe' }),
    first_name: formText(100).optional(),
    last_name: formText(100).optional(),
    phone: formText(40).optional(),
    device_id: formText(100).optional(),
    account_id: formText(100).optional(),
    media_url: z.url().max(2000).optional(),
    jurisdiction_id: formText(100).optional(),
    attribute: z.record(z.string().max(40), attributeValue).optional().meta({ description: '`attribute[code]=value`, `attribute[code][]=value` for lists' }),
  })
  .strict()
  .meta({ id: 'Open311CreateRequestForm' });
export type Open311CreateRequest = z.infer<typeof open311CreateRequestSchema>;

export const duplicatesQuerySchema = z.object({
  service_code: z.string().max(40).regex(/^[a-z][a-z0-9-]{1,39}$/),
  lat: z.coerce.number().min(-90).max(90),
  long: z.coerce.number().min(-180).max(180),
});

export const statusChangeSchema = z
  .strictObject({
    status: z.enum(['open', 'in-progress', 'closed']),
    statusNotes: z.string().trim().min(1).max(2000).optional().meta({ description: 'Shown to the reporter and in Open311 `status_notes`; required when closing' }),
  })
  .refine((b) => b.status !== 'closed' || b.statusNotes !== undefined, { path: ['statusNotes'], message: 'required when closing' })
  .meta({ id: 'FaultReportStatusChange' });
export type StatusChange = z.infer<typeof statusChangeSchema>;

export const statusChangedSchema = z
  .object({ caseId: caseIdSchema, status: caseStatusSchema, open311Status: z.enum(['open', 'closed']), reporterNotified: z.boolean() })
  .meta({ id: 'FaultReportStatusChanged' });

export const unsubscribeParamsSchema = z.object({
  caseId: caseIdSchema,
  subscriptionId: z.string().min(20).max(64).regex(/^[A-Za-z0-9_-]+$/).meta({ description: "The reporter's subscription, from the mail's link" }),
});

const mapFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: caseIdSchema,
  geometry: z.object({
    type: z.literal('Point'),
    coordinates: z.array(z.number().min(-180).max(180)).length(2).meta({ description: '[longitude, latitude] (WGS 84)' }),
  }),
  properties: z.object({
    service_code: z.string().max(40),
    service_name: z.string().max(200),
    status: z.enum(['open', 'closed']),
    requested_datetime: dateTime,
    updated_datetime: dateTime,
  }),
});
export const mapReportsSchema = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(mapFeatureSchema).max(100000) })
  .meta({ id: 'ReportMap', description: 'RFC 7946 FeatureCollection; no personal data' });

const errors = (description: string) => ({ description, schema: open311ErrorSchema, alternativeContentTypes: ['text/xml'] });
const problem = (description: string) => ({ description, schema: problemSchema, contentType: 'application/problem+json' });
const xmlToo = ['text/xml'] as const;
const tags = ['open311'];
const fileParams = z.object({ file: open311FileSchema });

/** JSON and XML twins of a static Open311 path. */
function both(route: Omit<RouteSpec, 'path' | 'operationId'> & { base: string; operationId: string }): RouteSpec[] {
  const { base, operationId, ...rest } = route;
  return [
    { ...rest, path: `${OPEN311_BASE}/${base}.json`, operationId },
    {
      ...rest,
      path: `${OPEN311_BASE}/${base}.xml`,
      operationId: `${operationId}Xml`,
      summary: `${rest.summary} (XML)`,
      responses: Object.fromEntries(Object.entries(rest.responses).map(([s, r]) => [s, Number(s) < 300 ? { ...r, contentType: 'text/xml', schema: undefined } : r])),
    },
  ];
}

export const faultReportsRoutes: readonly RouteSpec[] = [
  ...both({
    base: 'discovery',
    method: 'GET',
    operationId: 'open311Discovery',
    summary: 'Open311 discovery: endpoint, formats and the extensions this endpoint adds',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    responses: { 200: { description: 'The discovery document', schema: open311DiscoverySchema } },
  }),
  ...both({
    base: 'services',
    method: 'GET',
    operationId: 'open311ListServices',
    summary: 'The fault report categories (Open311 services)',
    description: 'Names in Swedish, or English with `Accept-Language: en`.',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    query: z.object({ jurisdiction_id: z.string().max(100).optional() }),
    responses: { 200: { description: 'The services', schema: z.array(open311ServiceSchema).max(200) }, 400: errors('Invalid query') },
  }),
  {
    method: 'GET',
    path: `${OPEN311_BASE}/services/{file}`,
    operationId: 'open311GetServiceDefinition',
    summary: "A service's attributes (`services/{service_code}.json` or `.xml`)",
    tags,
    auth: 'public',
    errorFormat: 'open311',
    pathParameters: fileParams,
    responses: {
      200: { description: 'The service definition', schema: open311ServiceDefinitionSchema, alternativeContentTypes: xmlToo },
      400: errors('Not <code>.json or <code>.xml'),
      404: errors('No such service'),
    },
  },
  ...both({
    base: 'requests',
    method: 'GET',
    operationId: 'open311ListRequests',
    summary: 'Service requests, newest first (default: the last 90 days, at most 1000)',
    description: 'Extensions: `page`/`page_size`, and `bbox` (reports in a bounding box, from the geo index).',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    query: open311RequestsQuerySchema,
    responses: { 200: { description: 'The requests', schema: z.array(open311RequestSchema).max(MAX_REQUESTS_ROWS) }, 400: errors('Invalid filter') },
  }),
  ...both({
    base: 'requests',
    method: 'POST',
    operationId: 'open311CreateRequest',
    summary: 'Report a fault (form-urlencoded, `api_key` required)',
    description: `Location by \`lat\`+\`long\` (inside the municipality) or \`address_string\`. Attributes as \`attribute[code]=value\` and \`attribute[code][]=value\`. The description is at most ${MAX_DESCRIPTION_LENGTH} characters without markup. Photos: \`POST /cases/{service_request_id}/attachments\` with the returned \`access_code\`, as many as needed; \`media_url\` points at the first accepted one.`,
    tags,
    // A signed-in resident's report is theirs (`GET /me/cases`); anyone else follows it with the access code.
    auth: 'optional',
    apiKey: true,
    bodyFormat: 'form',
    body: open311CreateRequestSchema,
    bodyLimit: 32 * 1024,
    errorFormat: 'open311',
    responses: {
      201: { description: 'Registered: a case with a diarienummer', schema: z.array(open311CreatedSchema).max(1) },
      400: errors('Invalid request'),
      403: errors('Missing or unknown api_key'),
      413: errors('Body too large'),
      415: errors('Not form-urlencoded'),
      429: errors("Over this client's rate limit"),
    },
  }),
  {
    method: 'GET',
    path: `${OPEN311_BASE}/requests/{file}`,
    operationId: 'open311GetRequest',
    summary: 'One service request (`requests/{id}.json` or `.xml`), with its update history in `notes`',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    pathParameters: fileParams,
    responses: {
      200: { description: 'A list of one request', schema: z.array(open311RequestSchema).max(1), alternativeContentTypes: xmlToo },
      400: errors('Not <id>.json or <id>.xml'),
      404: errors('No such request'),
    },
  },
  {
    method: 'GET',
    path: `${OPEN311_BASE}/tokens/{file}`,
    operationId: 'open311GetToken',
    summary: 'The request id of a token (`tokens/{token}.json` or `.xml`)',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    pathParameters: fileParams,
    responses: {
      200: { description: 'The id, once registered', schema: z.array(open311TokenSchema).max(1), alternativeContentTypes: xmlToo },
      404: errors('No such token'),
    },
  },
  {
    method: 'GET',
    path: `${OPEN311_BASE}/servicerequestupdates.json`,
    operationId: 'open311ListUpdates',
    summary: 'Extension: status changes of all requests in a date range (default: the last 24 hours; at most 31 days)',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    query: z.object({ start_date: isoDate.optional(), end_date: isoDate.optional() }),
    responses: { 200: { description: 'The updates, oldest first', schema: z.array(open311UpdateSchema).max(100000) }, 400: errors('Invalid range') },
  },
  {
    method: 'GET',
    path: `${OPEN311_BASE}/duplicates.json`,
    operationId: 'open311FindDuplicates',
    summary: `Extension: likely duplicates: open requests of the same service within ${DUPLICATE_RADIUS_METRES} m in the last ${DUPLICATE_DAYS} days`,
    description: 'Ask before posting; the answer comes from the geo index (no scan).',
    tags,
    auth: 'public',
    errorFormat: 'open311',
    query: duplicatesQuerySchema,
    responses: { 200: { description: 'Nearby open requests, nearest first', schema: z.array(open311RequestSchema).max(1000) }, 400: errors('Invalid position or service') },
  },
  {
    method: 'GET',
    path: `${OPEN311_BASE}/media/{caseId}/{attachmentId}`,
    operationId: 'open311GetMedia',
    summary: "Extension: a report's photo (the target of `media_url`): a redirect to a short-lived download",
    tags,
    auth: 'public',
    errorFormat: 'open311',
    pathParameters: z.object({ caseId: caseIdSchema, attachmentId: caseIdSchema }),
    responses: {
      302: { description: 'Redirect to the photo', headers: { Location: { description: 'A presigned download, valid for 5 minutes', schema: z.url().max(4096) } } },
      404: errors('No such accepted photo'),
    },
  },
  {
    method: 'GET',
    path: '/map/reports.geojson',
    operationId: 'mapReports',
    summary: `Open reports, and those closed in the last ${MAP_CLOSED_DAYS} days, in a bounding box, as GeoJSON`,
    tags: ['map'],
    auth: 'public',
    query: z.object({ bbox: z.string().max(100).meta({ description: 'west,south,east,north (WGS 84)', example: '14.10,57.74,14.22,57.81' }) }),
    responses: {
      200: { description: 'RFC 7946 FeatureCollection without personal data', schema: mapReportsSchema, contentType: 'application/geo+json' },
      400: problem('Invalid bbox'),
    },
  },
  {
    method: 'POST',
    path: '/fault-reports/{caseId}/status',
    operationId: 'changeFaultReportStatus',
    summary: "An officer of the report's department sets its status (open, in progress, closed with notes)",
    description: 'The reporter, if they left an email address and did not unsubscribe, is mailed the change.',
    tags: ['fault-reports'],
    auth: 'required',
    pathParameters: z.object({ caseId: caseIdSchema }),
    body: statusChangeSchema,
    bodyLimit: 8192,
    responses: {
      200: { description: 'The new status', schema: statusChangedSchema },
      400: problem('Invalid status'),
      404: problem('No such report, or not of your department'),
    },
  },
  {
    method: 'GET',
    path: '/fault-reports/{caseId}/unsubscribe/{subscriptionId}',
    operationId: 'confirmUnsubscribe',
    summary: "The page behind the mail's unsubscribe link: asks to confirm (opening it changes nothing)",
    tags: ['fault-reports'],
    auth: 'public',
    pathParameters: unsubscribeParamsSchema,
    responses: { 200: { description: 'An HTML page with a confirm button', contentType: 'text/html' }, 400: problem('Invalid link') },
  },
  {
    method: 'POST',
    path: '/fault-reports/{caseId}/unsubscribe/{subscriptionId}',
    operationId: 'unsubscribe',
    summary: 'Stops the mails about this report (RFC 8058 one-click: `List-Unsubscribe=One-Click`)',
    description: 'The subscription id in the path is what authorizes it; a bearer token is not needed.',
    tags: ['fault-reports'],
    auth: 'optional',
    pathParameters: unsubscribeParamsSchema,
    bodyFormat: 'form',
    body: z.object({ 'List-Unsubscribe': z.literal('One-Click') }),
    bodyLimit: 1024,
    responses: {
      200: { description: 'An HTML page: no more mails', contentType: 'text/html' },
      400: problem('Invalid request, or not the subscription of this report'),
    },
  },
];
