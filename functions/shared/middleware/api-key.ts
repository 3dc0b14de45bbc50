import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ForbiddenError } from '../errors.js';
import { FormSyntaxError, parseFormUrlEncoded } from '../form-urlencoded.js';
import type { ApiContext } from '../http.js';

/**
 * Checks a client's API key and counts the request against the client's own rate limit; throws
 * ForbiddenError for a missing or unknown key and TooManyRequestsError over the limit.
 */
export type ApiKeyVerifier = (apiKey: string) => Promise<{ readonly clientId: string }>;

const missingKey = { sv: 'api_key saknas eller är ogiltig.', en: 'The api_key is missing or not valid.' };

/** The key from the `api_key` form field (as Open311 clients send it), query parameter, or `X-Api-Key` header. */
export function apiKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const fromHeader = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'x-api-key')?.[1];
  if (fromHeader) return fromHeader;
  const fromQuery = event.queryStringParameters?.api_key;
  if (fromQuery) return fromQuery;
  const contentType = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!event.body || !/^application\/x-www-form-urlencoded\b/i.test(contentType)) return undefined;
  try {
    const value = parseFormUrlEncoded(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body).api_key;
    return typeof value === 'string' ? value : undefined;
  } catch (error) {
    if (error instanceof FormSyntaxError) return undefined; // the validation reports the body itself
    throw error;
  }
}

/** Runs before validation, so that a caller without a valid key learns nothing about the body (403 first). */
export function apiKeyCheck(verify: ApiKeyVerifier): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const apiKeyCheckBefore: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const key = apiKeyOf(request.event);
    if (!key || key.length > 200) throw new ForbiddenError(missingKey);
    const { clientId } = await verify(key);
    if (request.context.log) request.context.log = request.context.log.child({ apiClient: clientId });
  };
  return { before: apiKeyCheckBefore };
}
