import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { pickLanguage } from '../i18n.js';
import type { ApiContext } from '../http.js';
import { logger } from '../logger.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Sets the correlation id (the client's `X-Correlation-Id` when well-formed, else API Gateway's request id),
 * the language from `Accept-Language`, a logger bound to both, and writes one access line per request.
 */
export function observability(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const started = new WeakMap<object, number>();

  const observabilityBefore: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const { event, context } = request;
    started.set(request, Date.now());
    const headers = event.headers ?? {};
    const given = headers['x-correlation-id'] ?? headers['X-Correlation-Id'];
    context.correlationId = given && CORRELATION_ID.test(given) ? given : event.requestContext?.requestId ?? context.awsRequestId;
    context.language = pickLanguage(headers['accept-language'] ?? headers['Accept-Language']);
    context.log = logger.child({ correlationId: context.correlationId });
    context.caller = { kind: 'anonymous' };
  };

  const observabilityAfter: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const { event, context, response } = request;
    if (response) {
      response.headers = { ...response.headers, 'X-Correlation-Id': context.correlationId };
      response.headers['Content-Language'] ??= context.language;
    }
    context.log.info('request', {
      method: event.httpMethod,
      resource: event.resource,
      path: event.path,
      status: response?.statusCode,
      caller: context.caller?.kind,
      ms: Date.now() - (started.get(request) ?? Date.now()),
    });
  };

  return { before: observabilityBefore, after: observabilityAfter, onError: async (request) => {
    // problemDetails (used after this) has already turned the error into a response; log it the same way.
    if (request.response) await observabilityAfter(request);
  } };
}
