import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, ProblemError, ValidationError } from '../errors.js';
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

/**
 * Open311's representation of the same problem: `[{ code, description }]`, as XML when the path ends in
 * `.xml` (GeoReport v2 errors), with the status, headers and texts the one mapping above chose.
 */
export function open311ErrorResponse(problem: APIGatewayProxyResult, path: string | undefined): APIGatewayProxyResult {
  const body = JSON.parse(problem.body) as { status: number; title: string; detail?: string; errors?: { path: string; message: string }[] };
  const fields = body.errors?.map((e) => `${e.path.replace(/^(body|query|path)\./, '')}: ${e.message}`) ?? [];
  const description = [body.detail ?? body.title, ...fields].join(' ');
  const headers = { ...problem.headers } as Record<string, string>;
  if (path?.endsWith('.xml')) {
    const text = description.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
    headers['Content-Type'] = 'text/xml; charset=utf-8';
    return {
      ...problem,
      headers,
      body: `<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>${body.status}</code><description>${text}</description></error></errors>`,
    };
  }
  headers['Content-Type'] = 'application/json; charset=utf-8';
  return { ...problem, headers, body: JSON.stringify([{ code: body.status, description }]) };
}

export function problemDetails(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const problemDetailsOnError: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    if (request.response !== undefined && !request.error) return;
    const { error } = request;
    const log = request.context.log ?? rootLogger;
    const status = error instanceof ProblemError ? error.status : 500;
    if (status >= 500) log.error('request failed', { error });
    else log.info('request refused', { status, problem: (error as ProblemError).type });
    const problem = problemResponse(error, request.context.language ?? 'sv', request.context.correlationId ?? request.context.awsRequestId, request.event?.path);
    const errorFormat = request.context.route?.errorFormat ?? (error instanceof MethodNotAllowedError ? error.errorFormat : undefined);
    request.response = errorFormat === 'open311' ? open311ErrorResponse(problem, request.event?.path) : problem;
  };
  return { onError: problemDetailsOnError };
}
