import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { rateLimitHeaders, type RouteSpec } from '../../schemas/api.js';
import type { Language } from './i18n.js';
import type { Logger } from './logger.js';

/** Who calls. Officers are identified by their department groups; residents by their identity's `sub`. */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'resident'; readonly sub: string; readonly personnummer?: string; readonly email?: string }
  | { readonly kind: 'officer'; readonly sub: string; readonly departments: readonly string[]; readonly email?: string };

/** What every request carries through the middleware into an operation. */
export interface ApiContext extends Context {
  correlationId: string;
  language: Language;
  log: Logger;
  caller: Caller;
  route: RouteSpec;
}

/** A validated request, as an operation sees it. */
export interface ApiRequest<Params = Record<string, string>, Query = Record<string, unknown>, Body = unknown> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  readonly headers: Readonly<Record<string, string>>;
  readonly caller: Caller;
  readonly language: Language;
  readonly correlationId: string;
  readonly log: Logger;
}

export interface ApiResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Set when `body` is an already serialized text of this media type (XML, HTML); JSON otherwise. */
  readonly contentType?: string;
}

/** An operation of the public API, named by its OpenAPI operationId. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = (request: ApiRequest<any, any, any>) => Promise<ApiResult>;

/** The parts of the proxy event the middleware fills in after validation. */
export interface ValidatedEvent extends APIGatewayProxyEvent {
  validated?: { params: unknown; query: unknown; body: unknown };
}

export type { APIGatewayProxyEvent, APIGatewayProxyResult };

/** Lower-cased header map (API Gateway keeps the client's casing). */
export function lowerCaseHeaders(headers: APIGatewayProxyEvent['headers'] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (typeof v === 'string') out[k.toLowerCase()] = v;
  return out;
}

/** Browsers may call the API from the municipality's own web origin, where its web forms run. */
const allowedOrigin = process.env.PUBLIC_BASE_URL ? new URL(process.env.PUBLIC_BASE_URL).origin : '*';

const baseHeaders = {
  ...rateLimitHeaders,
  'Access-Control-Allow-Origin': allowedOrigin,
  Vary: 'Origin',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
};

/** An answer whose body is already serialized (XML, HTML). */
export function textResponse(status: number, body: string, contentType: string, headers: Readonly<Record<string, string>> = {}): APIGatewayProxyResult {
  return { statusCode: status, headers: { ...baseHeaders, 'Content-Type': `${contentType}; charset=utf-8`, ...headers }, body };
}

export function jsonResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, contentType = 'application/json'): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { ...baseHeaders, ...(body === undefined ? {} : { 'Content-Type': `${contentType}; charset=utf-8` }), ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
