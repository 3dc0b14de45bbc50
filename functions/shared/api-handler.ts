import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import type { RouteSpec } from '../../schemas/api.js';
import { MethodNotAllowedError, NotFoundError } from './errors.js';
import { messages } from './i18n.js';
import { jsonResponse, lowerCaseHeaders, textResponse, type APIGatewayProxyEvent, type APIGatewayProxyResult, type ApiContext, type Operation, type ValidatedEvent } from './http.js';
import { apiKeyCheck, type ApiKeyVerifier } from './middleware/api-key.js';
import { authentication, type TokenVerifier } from './middleware/authentication.js';
import { idempotency, type IdempotencyStore } from './middleware/idempotency.js';
import { observability } from './middleware/observability.js';
import { problemDetails } from './middleware/problem.js';
import { requestValidation } from './middleware/request-validation.js';

export interface ApiHandlerOptions {
  /** The e-service's routes, from `schemas/`. */
  readonly routes: readonly RouteSpec[];
  /** One operation per route, by operationId. */
  readonly operations: Readonly<Record<string, Operation>>;
  /** Department ids: membership of one of these Cognito groups makes a caller an officer. */
  readonly departmentIds: ReadonlySet<string>;
  /** Required when a route is idempotent. */
  readonly idempotencyStore?: IdempotencyStore;
  /** @default verifies against TOKEN_ISSUER / TOKEN_JWKS_URL / TOKEN_AUDIENCE */
  readonly verifyToken?: TokenVerifier;
  /** Required when a route needs an API key (`apiKey: true`). */
  readonly verifyApiKey?: ApiKeyVerifier;
}

/** `/forms/{formId}` → a pattern that matches `/forms/anything` (one segment per parameter). */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * Builds the Lambda handler of an e-service: middy with the platform middleware (observability, the one
 * problem+json mapping), a router over the declared routes, and per route: authentication, validation,
 * Idempotency-Key. Unknown paths answer 404, known paths with another method 405.
 */
export function createApiHandler(options: ApiHandlerOptions) {
  const { routes, operations } = options;
  const patterns = routes.map((route) => ({ route, pattern: pathPattern(route.path) }));

  const routeHandlers = routes.map((route) => {
    const operation = operations[route.operationId];
    if (!operation) throw new Error(`no operation for ${route.operationId}`);
    if (route.idempotent && !options.idempotencyStore) throw new Error(`${route.operationId} is idempotent but no idempotency store was given`);
    if (route.apiKey && !options.verifyApiKey) throw new Error(`${route.operationId} needs an API key but no verifier was given`);
    let routeHandler = middy<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext>()
      // The route is known before anything can fail, so errors take the route's representation.
      .before((request) => {
        request.context.route = route;
      })
      .use(authentication(route, { departmentIds: options.departmentIds, verifyToken: options.verifyToken }));
    if (route.apiKey && options.verifyApiKey) routeHandler = routeHandler.use(apiKeyCheck(options.verifyApiKey));
    routeHandler = routeHandler.use(requestValidation(route));
    if (route.idempotent && options.idempotencyStore) routeHandler = routeHandler.use(idempotency(route, { store: options.idempotencyStore }));
    return {
      method: route.method,
      path: route.path,
      handler: routeHandler.handler(async (event, context) => {
        context.route = route;
        const result = await operation({
          params: event.validated?.params ?? {},
          query: event.validated?.query ?? {},
          body: event.validated?.body,
          headers: lowerCaseHeaders(event.headers),
          caller: context.caller,
          language: context.language,
          correlationId: context.correlationId,
          log: context.log,
        });
        if (result.contentType !== undefined && typeof result.body === 'string') return textResponse(result.status, result.body, result.contentType, result.headers);
        return jsonResponse(result.status, result.body, result.headers);
      }),
    };
  });

  // CORS preflight of the municipality's web forms, one per path.
  const preflights = [...new Set(routes.map((r) => r.path))].map((path) => ({
    method: 'OPTIONS' as const,
    path,
    handler: async () =>
      jsonResponse(204, undefined, {
        'Access-Control-Allow-Methods': [...routes.filter((r) => r.path === path).map((r) => r.method), 'OPTIONS'].join(', '),
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key, X-Access-Code, X-Correlation-Id, Accept-Language',
        'Access-Control-Max-Age': '600',
      }),
  }));

  const router = httpRouterHandler({
    routes: [...routeHandlers, ...preflights],
    notFoundResponse: ({ method, path }: { method: string; path: string }) => {
      const matching = patterns.filter((p) => p.pattern.test(path)).map((p) => p.route);
      const allow = matching.map((route) => route.method);
      if (allow.length > 0) throw new MethodNotAllowedError(messages.methodNotAllowed, { method, allow: allow.join(', ') }, allow, matching[0]!.errorFormat);
      throw new NotFoundError(messages.routeNotFound, { path });
    },
  });

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>()
    .use(observability())
    .use(problemDetails())
    .handler(router as (event: APIGatewayProxyEvent, context: ApiContext) => Promise<APIGatewayProxyResult>);
}
