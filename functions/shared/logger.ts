/** Structured JSON logging with personal data masked (personnummer, e-mail addresses, access codes). */

const PERSONNUMMER = /\b(?:19|20)?\d{6}[-+]?\d{4}\b/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Access codes and bearer tokens in free text (query strings, headers copied into messages).
const ACCESS_CODE = /(accessCode=|x-access-code["':\s]+)[^&\s"',]+/gi;
const BEARER = /Bearer\s+[A-Za-z0-9._-]+/g;
const SECRET_KEYS = new Set([
  'personnummer',
  'identitynumber',
  'email',
  'accesscode',
  'x-access-code',
  'authorization',
  'accesscodehash',
  'phone',
  'password',
  'token',
]);

/** Masks personal data in a string. */
export function maskText(text: string): string {
  return text
    .replace(BEARER, 'Bearer ***')
    .replace(ACCESS_CODE, '$1***')
    .replace(EMAIL, '***@***')
    .replace(PERSONNUMMER, '********-****');
}

/** Returns a copy of a value with personal data masked, by key name and by pattern. */
export function mask(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map((v) => mask(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k.toLowerCase()) ? '***' : mask(v, depth + 1)]),
    );
  }
  return value;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
  /** A logger that adds these keys to every line (e.g. the correlation id). */
  child(keys: Record<string, unknown>): Logger;
}

export function createLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const threshold = order[(process.env.LOG_LEVEL as Level) ?? 'info'] ?? order.info;
  const log = (level: Level) => (message: string, data: Record<string, unknown> = {}) => {
    if (order[level] < threshold) return;
    write(JSON.stringify({ level, time: new Date().toISOString(), message: maskText(message), ...(mask({ ...base, ...data }) as object) }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (keys) => createLogger({ ...base, ...keys }, write),
  };
}

export const logger = createLogger({ service: process.env.AWS_LAMBDA_FUNCTION_NAME });
