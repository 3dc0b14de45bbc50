import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';

/** The app client id of the local identity provider: the `aud` of its ID tokens. */
export const LOCAL_CLIENT_ID = 'local-client';

/** Path of the JWKS on the local API server. */
export const JWKS_PATH = '/local-idp/.well-known/jwks.json';

/** Who a local token identifies. */
export type TokenRequest =
  | { readonly kind: 'resident'; readonly personnummer: string; readonly email?: string; readonly name?: string }
  | { readonly kind: 'officer'; readonly departmentId: string; readonly email?: string; readonly name?: string };

/** Everything needed to sign local tokens; plain JSON so a test setup can hand it to tests. */
export interface TokenSigningSettings {
  readonly issuer: string;
  readonly audience: string;
  /** RS256 private key with `kid`. */
  readonly privateJwk: JWK;
}

const KEY_FILE = 'local-idp-private.jwk.json';
/** ID tokens live 8 hours, like the platform's user pool client. */
const TOKEN_LIFETIME_SECONDS = 8 * 60 * 60;
/** Namespace of the name-based UUIDs of local subjects. */
const SUBJECT_NAMESPACE = 'kommun-e-services/local-idp';

/** A new RS256 key pair as a private JWK with `kid` (its thumbprint), `alg` and `use`. */
export async function generateSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
}

/**
 * The local identity provider's signing key: read from `<keysDir>/local-idp-private.jwk.json`, or
 * generated and stored there on first use, so `npm run token` and every `npm start` sign with one key.
 */
export async function loadSigningKey(keysDir: string): Promise<JWK> {
  const file = join(keysDir, KEY_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const jwk = await generateSigningKey();
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  // `wx`: when two processes race, the second keeps the first's key.
  try {
    await writeFile(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(await readFile(file, 'utf8')) as JWK;
    throw error;
  }
  return jwk;
}

/** The public part of a private JWK. */
export function publicJwk(privateJwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = privateJwk;
  return { kty, n, e, kid, alg, use };
}

/** A name-based (version 5 style) UUID: the same input always gives the same subject. */
export function stableSubject(...parts: string[]): string {
  const bytes = createHash('sha1').update(SUBJECT_NAMESPACE).update('\0').update(parts.join('\0')).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The claims of an ID token as the platform's Cognito user pool would issue it for this person. */
export function idTokenClaims(request: TokenRequest): JWTPayload {
  if (request.kind === 'resident') {
    const personnummer = request.personnummer.replace('-', '');
    const sub = stableSubject('resident', personnummer);
    return {
      sub,
      'cognito:username': sub,
      'custom:personnummer': personnummer,
      ...(request.email ? { email: request.email, email_verified: true } : {}),
      ...(request.name ? { name: request.name } : {}),
    };
  }
  const email = request.email ?? `handlaggare.${request.departmentId}@example.com`;
  return {
    sub: stableSubject('officer', request.departmentId, email),
    'cognito:username': email,
    'cognito:groups': [request.departmentId],
    email,
    email_verified: true,
    ...(request.name ? { name: request.name } : {}),
  };
}

/** A function that signs local ID tokens (RS256, `token_use: id`, 8 hours) with the given key. */
export function createTokenIssuer(settings: TokenSigningSettings): (request: TokenRequest) => Promise<string> {
  const key = importJWK(settings.privateJwk, 'RS256');
  return async (request) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...idTokenClaims(request), token_use: 'id', auth_time: now, jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: settings.privateJwk.kid ?? 'local', typ: 'JWT' })
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_LIFETIME_SECONDS)
      .sign(await key);
  };
}

/** What the Cognito authorizer decided. */
export type AuthorizerDecision =
  | { readonly ok: true; readonly claims: Record<string, string> }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string };

/**
 * The local identity provider: serves its JWKS and checks tokens exactly the way API Gateway's Cognito
 * authorizer does: RS256 signature against the JWKS, issuer, `exp`, `aud` = the app client and
 * `token_use` = `id` (or an access token carrying one of the method's scopes).
 */
export class LocalIdentityProvider {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  /** Signs an ID token for a resident or a department's officer. */
  readonly issueToken: (request: TokenRequest) => Promise<string>;
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  constructor(readonly settings: TokenSigningSettings) {
    this.issuer = settings.issuer;
    this.audience = settings.audience;
    this.jwks = { keys: [publicJwk(settings.privateJwk)] };
    this.keySet = createLocalJWKSet(this.jwks);
    this.issueToken = createTokenIssuer(settings);
  }

  /** Verifies the `Authorization` header value (a raw token or `Bearer <token>`). */
  async authorize(header: string | undefined, scopes: readonly string[] = []): Promise<AuthorizerDecision> {
    const token = header?.trim().replace(/^Bearer\s+/i, '');
    if (!token) return { ok: false, status: 401, message: 'Unauthorized' };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keySet, { issuer: this.issuer, algorithms: ['RS256'], requiredClaims: ['exp'] }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) return { ok: false, status: 401, message: 'The incoming token has expired' };
      return { ok: false, status: 401, message: 'Unauthorized' };
    }
    if (payload['token_use'] === 'id') {
      // ID tokens: `aud` is the app client; with scopes on the method only access tokens pass.
      const audience = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audience.includes(this.audience) || scopes.length > 0) return { ok: false, status: 401, message: 'Unauthorized' };
    } else if (payload['token_use'] === 'access' && scopes.length > 0) {
      const granted = String(payload['scope'] ?? '').split(' ');
      if (!scopes.some((scope) => granted.includes(scope))) return { ok: false, status: 403, message: 'Forbidden' };
    } else {
      return { ok: false, status: 401, message: 'Unauthorized' };
    }
    return { ok: true, claims: claimsAsStrings(payload) };
  }
}

/**
 * Claims as API Gateway REST hands them to the function: every value a string, `exp`/`iat` as dates
 * ("Fri Jul 29 18:52:53 UTC 2016"), lists such as `cognito:groups` comma-joined.
 */
export function claimsAsStrings(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if ((name === 'exp' || name === 'iat') && typeof value === 'number') claims[name] = javaDateString(value);
    else if (Array.isArray(value)) claims[name] = value.join(',');
    else if (value !== null && typeof value === 'object') claims[name] = JSON.stringify(value);
    else claims[name] = String(value);
  }
  return claims;
}

function javaDateString(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()];
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${day} ${month} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
}
