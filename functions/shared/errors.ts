import { MAX_FIELD_ERRORS } from '../../schemas/api.js';
import { format, type Language, type Message, type ProblemType } from './i18n.js';

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * A problem the client can act on. The one error mapping (middleware/problem.ts) turns it into
 * RFC 9457 problem+json with the title and detail in the caller's language.
 */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly type: ProblemType,
    readonly detail?: Message,
    readonly values: Readonly<Record<string, string | number>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ? format(detail, 'en', values) : type);
  }

  detailIn(language: Language): string | undefined {
    return this.detail ? format(this.detail, language, this.values) : undefined;
  }
}

export class ValidationError extends ProblemError {
  override name = 'ValidationError';
  /** The invalid fields, the first MAX_FIELD_ERRORS of them (a hostile body may have thousands). */
  readonly errors: readonly FieldError[];
  constructor(errors: readonly FieldError[], detail?: Message) {
    super(400, 'validation', detail ?? { sv: 'Kontrollera fälten i errors.', en: 'Check the fields listed in errors.' });
    this.errors = errors.slice(0, MAX_FIELD_ERRORS);
  }
}

export class NotFoundError extends ProblemError {
  override name = 'NotFoundError';
  constructor(detail: Message, values: Readonly<Record<string, string | number>> = {}) {
    super(404, 'not-found', detail, values);
  }
}

export class MethodNotAllowedError extends ProblemError {
  override name = 'MethodNotAllowedError';
  constructor(
    detail: Message,
    values: Readonly<Record<string, string | number>>,
    allow: readonly string[],
    /** How the path's routes answer errors, since no route was matched to say it. */
    readonly errorFormat?: 'problem' | 'open311',
  ) {
    super(405, 'method-not-allowed', detail, values, { Allow: allow.join(', ') });
  }
}

export class PayloadTooLargeError extends ProblemError {
  override name = 'PayloadTooLargeError';
  constructor(detail: Message, values: Readonly<Record<string, string | number>>) {
    super(413, 'payload-too-large', detail, values);
  }
}

export class UnsupportedMediaTypeError extends ProblemError {
  override name = 'UnsupportedMediaTypeError';
  constructor(detail: Message) {
    super(415, 'unsupported-media-type', detail);
  }
}

export class UnauthorizedError extends ProblemError {
  override name = 'UnauthorizedError';
  constructor(detail: Message) {
    super(401, 'unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends ProblemError {
  override name = 'ForbiddenError';
  constructor(detail: Message) {
    super(403, 'forbidden', detail);
  }
}

export class TooManyRequestsError extends ProblemError {
  override name = 'TooManyRequestsError';
  constructor(detail: Message, retryAfterSeconds: number) {
    super(429, 'too-many-requests', detail, {}, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export class ConflictError extends ProblemError {
  override name = 'ConflictError';
  constructor(type: ProblemType, detail: Message, values: Readonly<Record<string, string | number>> = {}) {
    super(409, type, detail, values);
  }
}

export class IdempotencyKeyReusedError extends ProblemError {
  override name = 'IdempotencyKeyReusedError';
  constructor(detail: Message) {
    super(422, 'idempotency-key-reused', detail);
  }
}

export class ServiceUnavailableError extends ProblemError {
  override name = 'ServiceUnavailableError';
  constructor(detail: Message) {
    super(503, 'unavailable', detail, {}, { 'Retry-After': '1' });
  }
}
