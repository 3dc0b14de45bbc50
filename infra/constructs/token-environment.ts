import { Stack } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { RouteSpec } from '../../schemas/api.js';

/**
 * Environment with which a function verifies an optional bearer token itself (`TOKEN_ISSUER`,
 * `TOKEN_JWKS_URL`, `TOKEN_AUDIENCE`): the user pool's ID tokens, whose `aud` is the client id.
 * Empty when none of the routes has auth `optional` (required routes are verified by API Gateway).
 */
export function tokenEnvironment(routes: readonly RouteSpec[], userPool: IUserPool, client: IUserPoolClient): Record<string, string> {
  if (!routes.some((route) => route.auth === 'optional')) return {};
  const issuer = `https://cognito-idp.${Stack.of(userPool).region}.amazonaws.com/${userPool.userPoolId}`;
  return {
    TOKEN_ISSUER: issuer,
    TOKEN_JWKS_URL: `${issuer}/.well-known/jwks.json`,
    TOKEN_AUDIENCE: client.userPoolClientId,
  };
}
