import { SignJWT, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LocalIdentityProvider,
  claimsAsStrings,
  createTokenIssuer,
  generateSigningKey,
  idTokenClaims,
  type TokenSigningSettings,
} from '../../../local/identity.js';

let settings: TokenSigningSettings;
let provider: LocalIdentityProvider;

beforeAll(async () => {
  settings = { issuer: 'http://127.0.0.1:4100/local-idp', audience: 'local-client', privateJwk: await generateSigningKey() };
  provider = new LocalIdentityProvider(settings);
});

/** Signs claims with the provider's key, for tokens the issuer would never make. */
async function sign(claims: Record<string, unknown>, expiresAt = Math.floor(Date.now() / 1000) + 600): Promise<string> {
  return new SignJWT({ token_use: 'id', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: settings.privateJwk.kid! })
    .setIssuer(String(claims['iss'] ?? settings.issuer))
    .setAudience(String(claims['aud'] ?? settings.audience))
    .setExpirationTime(expiresAt)
    .sign(await importJWK(settings.privateJwk, 'RS256'));
}

describe('LocalIdentityProvider.authorize', () => {
  it('accepts its ID token, raw or as a Bearer token, and gives the claims as strings', async () => {
    // Prepare
    const token = await provider.issueToken({ kind: 'officer', departmentId: 'miljo' });
    // Act
    const bearer = await provider.authorize(`Bearer ${token}`);
    const raw = await provider.authorize(token);
    // Assess
    expect(raw.ok).toBe(true);
    expect(bearer).toMatchObject({ ok: true, claims: { 'cognito:groups': 'miljo', token_use: 'id', email_verified: 'true' } });
    if (bearer.ok) expect(bearer.claims['exp']).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
  });

  it('fails when the header is missing', async () => {
    expect(await provider.authorize(undefined)).toEqual({ ok: false, status: 401, message: 'Unauthorized' });
  });

  it('fails when another key signed the token', async () => {
    const forged = await createTokenIssuer({ ...settings, privateJwk: await generateSigningKey() })({ kind: 'resident', personnummer: '199001011239' });
    expect(await provider.authorize(forged)).toMatchObject({ ok: false, status: 401 });
  });

  it('fails when the token has expired', async () => {
    const expired = await sign({}, Math.floor(Date.now() / 1000) - 10);
    expect(await provider.authorize(expired)).toEqual({ ok: false, status: 401, message: 'The incoming token has expired' });
  });

  it('fails when issuer, audience or token use differ', async () => {
    expect((await provider.authorize(await sign({ iss: 'https://elsewhere' }))).ok).toBe(false);
    expect((await provider.authorize(await sign({ aud: 'other-client' }))).ok).toBe(false);
    expect((await provider.authorize(await sign({ token_use: 'access' }))).ok).toBe(false);
  });

  it('fails when the token is not a JWT', async () => {
    expect((await provider.authorize('Bearer not.a.token')).ok).toBe(false);
  });
});

describe('idTokenClaims', () => {
  it('gives a resident a stable subject from the personnummer, and the personnummer as custom claim', () => {
    // Act
    const first = idTokenClaims({ kind: 'resident', personnummer: '19900101-1239' });
    const again = idTokenClaims({ kind: 'resident', personnummer: '199001011239' });
    // Assess
    expect(first.sub).toBe(again.sub);
    expect(first.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first['custom:personnummer']).toBe('199001011239');
  });

  it('gives an officer the department as group and a subject per department and mail', () => {
    const officer = idTokenClaims({ kind: 'officer', departmentId: 'social', email: 'a@example.com' });
    expect(officer['cognito:groups']).toEqual(['social']);
    expect(officer.sub).not.toBe(idTokenClaims({ kind: 'officer', departmentId: 'miljo', email: 'a@example.com' }).sub);
  });
});

describe('claimsAsStrings', () => {
  it('turns numbers, booleans and lists into strings like API Gateway', () => {
    expect(claimsAsStrings({ exp: 0, auth_time: 5, email_verified: true, 'cognito:groups': ['a', 'b'] })).toEqual({
      exp: 'Thu Jan 01 00:00:00 UTC 1970',
      auth_time: '5',
      email_verified: 'true',
      'cognito:groups': 'a,b',
    });
  });
});
