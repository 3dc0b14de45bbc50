import type middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
// One locale at a time: `z.locales` would bundle every language zod has.
import en from 'zod/v4/locales/en.js';
import sv from 'zod/v4/locales/sv.js';
import { DEFAULT_BODY_LIMIT, type RouteSpec } from '../../../schemas/api.js';
import { NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError, type FieldError } from '../errors.js';
import { FormSyntaxError, parseFormUrlEncoded } from '../form-urlencoded.js';
import { messages, type Language } from '../i18n.js';
import type { ApiContext, ValidatedEvent } from '../http.js';

const zodLocales = { sv: sv().localeError, en: en().localeError } satisfies Record<Language, unknown>;

function fieldErrors(where: string, error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string, language: Language): z.output<T> {
  const result = schema.safeParse(value, { error: zodLocales[language] });
  if (!result.success) throw new ValidationError(fieldErrors(where, result.error));
  return result.data;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const notForm = { sv: 'Skicka innehållet som application/x-www-form-urlencoded.', en: 'Send the body as application/x-www-form-urlencoded.' };

/** Validates path parameters, query and JSON body of a route with its zod schemas, once, at the edge. */
export function requestValidation(route: RouteSpec): middy.MiddlewareObj<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext> {
  const requestValidationBefore: middy.MiddlewareFn<ValidatedEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const { event, context } = request;
    const language = context.language;
    const params = route.pathParameters ? parse(route.pathParameters, event.pathParameters ?? {}, 'path', language) : {};
    const query = route.query ? parse(route.query, event.queryStringParameters ?? {}, 'query', language) : {};

    let body: unknown = undefined;
    const bodySchema = route.resolveBody ? route.resolveBody(params as Record<string, string>) : route.body;
    if (route.resolveBody && !bodySchema) throw new NotFoundError(messages.routeNotFound, { path: event.path });
    if (bodySchema) {
      const raw = event.body;
      const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
      const size = raw ? Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
      if (size > limit) throw new PayloadTooLargeError(messages.bodyTooLarge, { limit });
      const contentType = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      const form = route.bodyFormat === 'form';
      if (!contentType || !(form ? FORM_TYPE : JSON_TYPE).test(contentType)) throw new UnsupportedMediaTypeError(form ? notForm : messages.notJson);
      if (!raw) throw new ValidationError([{ path: 'body', message: messages.bodyRequired[language] }], messages.bodyRequired);
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      let value: unknown;
      try {
        value = form ? parseFormUrlEncoded(text) : JSON.parse(text);
      } catch (error) {
        if (error instanceof FormSyntaxError) throw new ValidationError([{ path: error.path, message: error.message }]);
        throw new ValidationError([{ path: 'body', message: messages.invalidJson[language] }], messages.invalidJson);
      }
      body = parse(bodySchema, value, 'body', language);
    }
    event.validated = { params, query, body };
  };
  return { before: requestValidationBefore };
}
