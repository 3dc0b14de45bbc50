import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route.
 * - `public`: anyone.
 * - `optional`: anyone; a bearer token, when sent, is verified by the function and identifies the caller
 *   (API Gateway's Cognito authorizer cannot be optional).
 * - `required`: API Gateway's Cognito authorizer verifies the token before the function runs.
 */
export type RouteAuth = 'public' | 'optional' | 'required';

export interface RouteResponse {
  readonly description: string;
  /** JSON body; omitted for empty answers. */
  readonly schema?: z.ZodType;
  /** @default 'application/json' */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, { description: string; schema: z.ZodType }>>;
  /** Other media types the same data is also served as (e.g. `text/xml` for Open311 `.xml` paths). */
  readonly alternativeContentTypes?: readonly string[];
}

/**
 * One route of the public API. This declaration is the single source of the route: the CDK app makes the
 * API Gateway method from it, the OpenAPI document describes it, and the handler's router dispatches on it.
 */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway resource path, e.g. `/forms/{formId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly pathParameters?: z.ZodObject;
  readonly query?: z.ZodObject;
  /** JSON request body (also what the OpenAPI document shows). */
  readonly body?: z.ZodType;
  /**
   * The body schema for these path parameters, when it depends on them (e.g. each form has its own);
   * undefined when no such resource exists (404).
   */
  readonly resolveBody?: (pathParameters: Record<string, string>) => z.ZodType | undefined;
  /** Largest accepted body in bytes (413 above it). @default 65536 */
  readonly bodyLimit?: number;
  /** Accepts an `Idempotency-Key` header (writes). */
  readonly idempotent?: boolean;
  /** How the body is sent: JSON, or `application/x-www-form-urlencoded` fields (Open311). @default 'json' */
  readonly bodyFormat?: 'json' | 'form';
  /**
   * How errors are represented: RFC 9457 problem+json, or Open311's `[{code, description}]` (XML when the
   * path ends in `.xml`). The mapping from error to status and text is the same. @default 'problem'
   */
  readonly errorFormat?: 'problem' | 'open311';
  /** Requires the API key of a registered client (`api_key` form field or query parameter), checked by the function. */
  readonly apiKey?: boolean;
  readonly responses: Readonly<Record<number, RouteResponse>>;
}

export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * API Gateway stage throttling (token bucket), the same numbers the CDK app sets on the stage and every
 * answer reports in its `RateLimit-*` headers.
 */
export const API_THROTTLE = { ratePerSecond: 50, burst: 100 } as const;

/** The rate-limit headers of every answer (IETF httpapi-ratelimit-headers): the stage's steady rate per second. */
export const rateLimitHeaders = {
  'RateLimit-Limit': String(API_THROTTLE.ratePerSecond),
  'RateLimit-Reset': '1',
  'RateLimit-Policy': `${API_THROTTLE.ratePerSecond};w=1;burst=${API_THROTTLE.burst}`,
} as const;

/** A validation problem lists at most this many invalid fields. */
export const MAX_FIELD_ERRORS = 100;
