import { describe, expect, inject, it } from 'vitest';
import { createTokenIssuer, generateSigningKey } from '../../local/identity.js';

// Smoke test of the local runtime itself: routing, the Cognito-style authorizer and gateway responses,
// through the functions the CDK app wires up.
const apiUrl = inject('apiUrl');
const signing = inject('tokenSigning');
const issueToken = createTokenIssuer(signing);

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${apiUrl}${path}`, { headers });

describe('local runtime', () => {
  it('answers GET /health through the platform function', async () => {
    // Act
    const response = await get('/health');
    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers an unknown route with the platform function's 404 problem", async () => {
    // Act
    const response = await get('/no/such/route');
    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404 });
  });

  it('serves the JWKS of the local identity provider', async () => {
    const response = await get('/local-idp/.well-known/jwks.json');
    expect(await response.json()).toEqual({ keys: [expect.objectContaining({ kty: 'RSA', kid: signing.privateJwk.kid })] });
  });

  it('fails when a route that requires sign-in gets no token', async () => {
    // Act
    const response = await get('/me/cases');
    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
  });

  it('fails when the token is signed with another key', async () => {
    // Prepare
    const forge = createTokenIssuer({ ...signing, privateJwk: await generateSigningKey() });
    const forged = await forge({ kind: 'resident', personnummer: '199001011239' });
    // Act
    const response = await get('/me/cases', { Authorization: `Bearer ${forged}` });
    // Assess
    expect(response.status).toBe(401);
  });

  it('fails when the token is for another app client', async () => {
    const token = await createTokenIssuer({ ...signing, audience: 'another-client' })({ kind: 'resident', personnummer: '199001011239' });
    expect((await get('/me/cases', { Authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('lets a valid ID token through to the function, as Bearer or raw', async () => {
    // Prepare
    const token = await issueToken({ kind: 'resident', personnummer: '199001011239' });
    // Act
    const bearer = await get('/me/cases', { Authorization: `Bearer ${token}` });
    const raw = await get('/me/cases', { Authorization: token });
    // Assess
    expect(bearer.status).not.toBe(401);
    expect(raw.status).not.toBe(401);
    expect(bearer.headers.get('x-amzn-errortype')).toBeNull();
  });

  it('fails when the body is over 10 MB', async () => {
    // Act
    const response = await fetch(`${apiUrl}/forms/x/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new Uint8Array(10 * 1024 * 1024 + 1),
    });
    // Assess
    expect(response.status).toBe(413);
  });
});
