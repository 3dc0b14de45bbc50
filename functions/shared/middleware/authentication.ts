import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { RouteSpec } from '../../../schemas/api.js';
import { UnauthorizedError } from '../errors.js';
import { messages } from '../i18n.js';
import type { ApiContext, Caller } from '../http.js';

/** Verifies an ID token and returns its claims; throws when it is not valid. */
export type TokenVerifier = (token: string) => Promise<Record<string, unknown>>;

/**
 * Verifies tokens the way API Gateway's Cognito authorizer does (signature by the pool's JWKS, issuer,
 * audience, expiry, `token_use` = id), for routes where signing in is optional.
 */
export function cognitoIdTokenVerifier(issuer: string, jwksUrl: string, audience: string): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(jwksUrl), { cacheMaxAge: 10 * 60 * 1000 });
  return async (token) => {
    const { payload } = await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256'] });
    if (payload.token_use !== 'id') throw new Error('not an ID token');
    return payload as JWTPayload & Record<string, unknown>;
  };
}

let defaultVerifier: TokenVerifier | undefined;
function environmentVerifier(): TokenVerifier {
  const { TOKEN_ISSUER, TOKEN_JWKS_URL, TOKEN_AUDIENCE } = process.env;
  if (!TOKEN_ISSUER || !TOKEN_JWKS_URL || !TOKEN_AUDIENCE) throw new Error('TOKEN_ISSUER, TOKEN_JWKS_URL and TOKEN_AUDIENCE must be set');
  defaultVerifier ??= cognitoIdTokenVerifier(TOKEN_ISSUER, TOKEN_JWKS_URL, TOKEN_AUDIENCE);
  return defaultVerifier;
}

/** Cognito groups arrive as an array (JWT) or, through API Gateway REST, as a string like `a,b` or `[a b]`. */
export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.replace(/^\[|\]$/g, '').split(/[,\s]+/).filter(Boolean);
  return [];
}

/** Turns verified claims into a caller: a member of a department group is an officer, anyone else a resident. */
export function callerFromClaims(claims: Record<string, unknown>, departmentIds: ReadonlySet<string>): Caller {
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!sub) throw new UnauthorizedError(messages.invalidToken);
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  const departments = groupsOf(claims['cognito:groups']).filter((g) => departmentIds.has(g));
  if (departments.length > 0) return { kind: 'officer', sub, departments, email };
  const personnummer = typeof claims['custom:personnummer'] === 'string' ? claims['custom:personnummer'] : undefined;
  return { kind: 'resident', sub, personnummer, email };
}

function bearerToken(event: APIGatewayProxyEvent): string | undefined {
  const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (!header) return undefined;
  return header.replace(/^Bearer\s+/i, '').trim() || undefined;
}

export interface AuthenticationOptions {
  readonly departmentIds: ReadonlySet<string>;
  /** @default verifies with TOKEN_ISSUER, TOKEN_JWKS_URL and TOKEN_AUDIENCE from the environment */
  readonly verifyToken?: TokenVerifier;
}

/** Sets `context.caller` from API Gateway's authorizer claims, or from an optional bearer token. */
export function authentication(route: RouteSpec, options: AuthenticationOptions): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> {
  const authenticationBefore: middy.MiddlewareFn<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext> = async (request) => {
    const { event, context } = request;
    if (route.auth === 'public') return;
    const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
    if (route.auth === 'required') {
      // API Gateway's Cognito authorizer has verified the token; no claims means a misconfigured route.
      if (!claims) throw new UnauthorizedError(messages.signInRequired);
      context.caller = callerFromClaims(claims, options.departmentIds);
      return;
    }
    const token = bearerToken(event);
    if (!token) return;
    let verified: Record<string, unknown>;
    try {
      verified = await (options.verifyToken ?? environmentVerifier())(token);
    } catch {
      throw new UnauthorizedError(messages.invalidToken);
    }
    context.caller = callerFromClaims(verified, options.departmentIds);
  };
  return { before: authenticationBefore };
}
