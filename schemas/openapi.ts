import * as z from 'zod';
import { API_THROTTLE, type RouteSpec } from './api.js';
import { routesByService } from './index.js';
import type { Municipality } from './municipality.js';
import { open311ErrorSchema } from './fault-reports.js';
import { problemSchema } from './problem.js';

type JsonSchema = Record<string, unknown>;

const INT32 = 2 ** 31;

/** Integers carry their width (int32 when both bounds fit, else int64), as clients generating code need it. */
function integerFormat({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.type !== 'integer' || jsonSchema.format) return;
  const min = typeof jsonSchema.minimum === 'number' ? jsonSchema.minimum : -Infinity;
  const max = typeof jsonSchema.maximum === 'number' ? jsonSchema.maximum : Infinity;
  jsonSchema.format = min >= -INT32 && max < INT32 ? 'int32' : 'int64';
}

const commonHeaderDocs = {
  'RateLimit-Limit': { description: `Requests per second the API allows (${API_THROTTLE.ratePerSecond})`, schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 100000 } },
  'RateLimit-Reset': { description: 'Seconds until the allowance is renewed', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600 } },
  'RateLimit-Policy': { description: 'The rate-limit policy: rate per window and burst', schema: { type: 'string', maxLength: 100 } },
  'Access-Control-Allow-Origin': { description: "The municipality's web origin, where the web forms run", schema: { type: 'string', maxLength: 200 } },
};
const retryAfterDoc = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 3600 } } };

/** Collects JSON Schemas converted from zod; schemas with a meta `id` become shared components. */
class ComponentCollector {
  readonly schemas: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType): JsonSchema {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12', override: integerFormat }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    for (const [id, def] of Object.entries(defs)) this.schemas[id] = this.rewrite(def) as JsonSchema;
    const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
    const rewritten = this.rewrite(json) as JsonSchema;
    if (id) {
      // zod puts a schema with an id into $defs and answers a $ref to it; keep the definition, not the $ref.
      const ownRef = rewritten.$ref === `#/components/schemas/${id}` && Object.keys(rewritten).length === 1;
      if (!ownRef) {
        delete rewritten.id;
        this.schemas[id] = rewritten;
      }
      return { $ref: `#/components/schemas/${id}` };
    }
    return rewritten;
  }

  private rewrite(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((n) => this.rewrite(n));
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node as JsonSchema).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : this.rewrite(v),
      ]),
    );
  }
}

function parameters(route: RouteSpec, components: ComponentCollector): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: 'path' | 'query', object: z.ZodObject | undefined) => {
    if (!object) return;
    for (const [name, field] of Object.entries(object.shape)) {
      const schema = components.convert(field as z.ZodType);
      const optional = (field as z.ZodType).safeParse(undefined).success;
      out.push({ name, in: where, required: where === 'path' || !optional, schema, ...(typeof schema.description === 'string' ? { description: schema.description } : {}) });
    }
  };
  add('path', route.pathParameters);
  add('query', route.query);
  out.push({ $ref: '#/components/parameters/AcceptLanguage' });
  if (route.idempotent) out.push({ $ref: '#/components/parameters/IdempotencyKey' });
  return out;
}

function security(route: RouteSpec): JsonSchema[] {
  if (route.apiKey) return route.auth === 'optional' ? [{ open311ApiKey: [] }, { open311ApiKey: [], residentOrOfficer: [] }] : [{ open311ApiKey: [] }];
  if (route.auth === 'required') return [{ residentOrOfficer: [] }];
  if (route.auth === 'optional') return [{}, { residentOrOfficer: [] }];
  return [];
}

function operation(route: RouteSpec, components: ComponentCollector): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  const problem = (description: string) =>
    route.errorFormat === 'open311'
      ? { description, schema: open311ErrorSchema, alternativeContentTypes: ['text/xml'] }
      : { description, schema: problemSchema, contentType: 'application/problem+json' };
  const withDefaults: Record<number, RouteSpec['responses'][number]> = { ...route.responses };
  if (route.auth === 'required') withDefaults[401] ??= problem('Not signed in');
  Object.assign(withDefaults, {
    429: problem('Too many requests (API Gateway throttling or the web application firewall)'),
    500: problem('Internal error (details are logged with the correlation id)'),
  });
  for (const [status, response] of Object.entries(withDefaults)) {
    responses[status] = {
      description: response.description,
      headers: { ...commonHeaderDocs, ...(status === '429' || status === '503' ? retryAfterDoc : {}) },
      ...(response.schema
        ? {
            content: {
              [response.contentType ?? 'application/json']: { schema: components.convert(response.schema) },
              // The same data in another representation (Open311 XML): its shape is the JSON's, with the spec's element names.
              ...Object.fromEntries((response.alternativeContentTypes ?? []).map((type) => [type, { schema: { type: 'string', maxLength: 10_000_000 } }])),
            },
          }
        : response.contentType
          ? { content: { [response.contentType]: { schema: { type: 'string', maxLength: 1_000_000 } } } }
          : {}),
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [...route.tags],
    security: security(route),
    parameters: parameters(route, components),
    ...(route.body
      ? { requestBody: { required: true, content: { [route.bodyFormat === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: { schema: components.convert(route.body) } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the whole public API, generated from the route declarations and their zod schemas. */
export function buildOpenApiDocument(options: { municipality: Municipality; serverUrl?: string; version?: string }): JsonSchema {
  const components = new ComponentCollector();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const routes of Object.values(routesByService)) {
    for (const route of routes) {
      paths[route.path] ??= {};
      paths[route.path]![route.method.toLowerCase()] = operation(route, components);
    }
  }
  const { municipality } = options;
  return {
    openapi: '3.1.0',
    info: {
      title: `${municipality.name.sv}: e-tjänster / e-services`,
      version: options.version ?? '0.1.0',
      description:
        'The public API of the municipal e-service platform. Errors are RFC 9457 problem+json in Swedish or English by `Accept-Language` (Swedish by default). Writes accept an `Idempotency-Key` header.',
      contact: { name: municipality.name.sv, email: municipality.mailFrom },
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    servers: [{ url: options.serverUrl ?? municipality.publicBaseUrl, description: 'production: the public API', 'x-internal': false }],
    tags: [
      { name: 'platform', description: 'Health and this document' },
      { name: 'forms', description: 'Online forms (S1): each submission becomes a case' },
      { name: 'cases', description: 'Cases of every e-service: status, history, attachments' },
      { name: 'open311', description: 'Fault reports (S2) through Open311 GeoReport v2, JSON and XML, with the extensions listed in discovery.json' },
      { name: 'fault-reports', description: "Fault reports: the officers' status changes and the reporters' unsubscribe" },
      { name: 'map', description: 'Map data (S7): GeoJSON without personal data' },
      { name: 'permits', description: 'Permit applications (S3) decided by several departments, and their tasks' },
    ],
    paths,
    components: {
      schemas: components.schemas,
      parameters: {
        AcceptLanguage: {
          name: 'Accept-Language',
          in: 'header',
          required: false,
          description: 'sv (default) or en',
          schema: { type: 'string', maxLength: 200, example: 'sv' },
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Makes a write safe to repeat: a repeat returns the first answer for 24 hours',
          schema: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
        },
      },
      securitySchemes: {
        open311ApiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Api-Key',
          description: 'An Open311 client key, issued per client by the municipality. GeoReport v2 clients send it as the `api_key` form field of the POST body, which is accepted the same way as this header.',
        },
        residentOrOfficer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "An ID token of the municipality's user pool (residents through BankID/Freja; officers with their department group). Tokens follow RFC8725 (JWT best current practices): RS256 only, issuer, audience, expiry and token_use are verified.",
        },
      },
    },
  };
}
