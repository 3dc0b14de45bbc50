import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ProblemError, ValidationError } from '../errors.js';
import { format, messages, problemTitle, type Language } from '../i18n.js';
import { jsonResponse, type ApiContext } from '../http.js';
import { logger as rootLogger } from '../logger.js';

/** Base of the `type` URI references of problems (RFC 9457 allows relative references). */
export const PROBLEM_BASE = '/problems/';

/**
 * The one error-to-HTTP mapping of the platform: domain errors become RFC 9457 problem+json in the
 * caller's language; anything else becomes a generic 500 whose details are only logged, with a correlation id.
 */
export function problemResponse(error: unknown, language: Language, correlationId: string, instance?: string): APIGatewayProxyResult {
  if (error instanceof ProblemError) {
    return jsonResponse(
      error.status,
      {
        type: PROBLEM_BASE + error.type,
        title: problemTitle(error.type, language),
        status: error.status,
        detail: error.detailIn(language),
        instance,
        correlationId,
        ...(error instanceof ValidationError ? { errors: error.errors } : {}),
      },
      { ...error.headers, 'Content-Language': language },
      'application/problem+json',
    );
  }
  return jsonResponse(
    500,
    {
      type: PROBLEM_BASE + 'internal',
      title: problemTitle('internal', language),
      status: 500,
      detail: format(messages.internal, language, { correlationId }),
      correlationId,
    },
    { 'Content-Language': language },
    'application/problem+json',
  );
}

export function problemDetails(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const problemDetailsOnError: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    if (request.response !== undefined && !request.error) return;
    const { error } = request;
    const log = request.context.log ?? rootLogger;
    const status = error instanceof ProblemError ? error.status : 500;
    if (status >= 500) log.error('request failed', { error });
    else log.info('request refused', { status, problem: (error as ProblemError).type });
    request.response = problemResponse(error, request.context.language ?? 'sv', request.context.correlationId ?? request.context.awsRequestId, request.event?.path);
  };
  return { onError: problemDetailsOnError };
}
