import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RouteSpec } from '../../../schemas/api.js';
import { createApiHandler } from '../../../functions/shared/api-handler.js';
import type { IdempotencyRecord, IdempotencyStore } from '../../../functions/shared/middleware/idempotency.js';

const routes: RouteSpec[] = [
  { method: 'GET', path: '/things/{id}', operationId: 'getThing', summary: 's', tags: [], auth: 'public', pathParameters: z.object({ id: z.string().regex(/^\d+$/) }), responses: {} },
  {
    method: 'POST', path: '/things', operationId: 'addThing', summary: 's', tags: [], auth: 'optional', idempotent: true, bodyLimit: 100,
    body: z.strictObject({ name: z.string().min(2) }), responses: {},
  },
  { method: 'GET', path: '/me/things', operationId: 'myThings', summary: 's', tags: [], auth: 'required', responses: {} },
  { method: 'GET', path: '/boom', operationId: 'boom', summary: 's', tags: [], auth: 'public', responses: {} },
];

function memoryIdempotencyStore(): IdempotencyStore {
  const records = new Map<string, IdempotencyRecord>();
  return {
    async claim(key, requestHash) {
      const existing = records.get(key);
      if (existing) return existing;
      records.set(key, { state: 'in-progress', requestHash });
      return undefined;
    },
    async get(key) {
      return records.get(key);
    },
    async complete(key, requestHash, response) {
      records.set(key, { state: 'completed', requestHash, response });
    },
    async release(key) {
      records.delete(key);
    },
  };
}

function setup() {
  let added = 0;
  const handler = createApiHandler({
    routes,
    departmentIds: new Set(['miljo']),
    idempotencyStore: memoryIdempotencyStore(),
    verifyToken: async (token) => {
      if (token !== 'good') throw new Error('bad signature');
      return { sub: 'resident-1', token_use: 'id' };
    },
    operations: {
      getThing: async ({ params }) => ({ status: 200, body: { id: params.id } }),
      addThing: async ({ body, caller }) => ({ status: 201, body: { n: ++added, name: body.name, caller: caller.kind } }),
      myThings: async ({ caller }) => ({ status: 200, body: caller }),
      boom: async () => {
        throw new Error('database exploded with personnummer 199001011239');
      },
    },
  });
  return { handler, added: () => added };
}

function event(method: string, path: string, resource: string, more: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: method, path, resource, headers: {}, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null,
    pathParameters: null, stageVariables: null, body: null, isBase64Encoded: false,
    requestContext: { requestId: 'req-12345678', authorizer: null } as unknown as APIGatewayProxyEvent['requestContext'],
    ...more,
  };
}

const context = { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const call = async (h: ReturnType<typeof setup>['handler'], e: APIGatewayProxyEvent) => {
  const r = (await h(e, context as never)) as APIGatewayProxyResult;
  return { ...r, json: r.body ? JSON.parse(r.body) : undefined };
};
const post = (body: string, headers: Record<string, string> = {}) =>
  event('POST', '/things', '/things', { body, headers: { 'Content-Type': 'application/json', ...headers } });

describe('the API handler', () => {
  it('answers a valid request', async () => {
    const r = await call(setup().handler, event('GET', '/things/42', '/things/{id}', { pathParameters: { id: '42' } }));
    expect(r.statusCode).toBe(200);
    expect(r.json).toEqual({ id: '42' });
    expect(r.headers).toMatchObject({ 'X-Correlation-Id': 'req-12345678', 'Cache-Control': 'no-store' });
  });

  it('fails with 404 problem+json in Swedish by default and English when asked', async () => {
    const sv = await call(setup().handler, event('GET', '/nothing', '/{proxy+}'));
    expect(sv.statusCode).toBe(404);
    expect(sv.headers!['Content-Type']).toMatch(/^application\/problem\+json/);
    expect(sv.json).toMatchObject({ type: '/problems/not-found', title: 'Hittades inte', status: 404 });
    const en = await call(setup().handler, event('GET', '/nothing', '/{proxy+}', { headers: { 'Accept-Language': 'en-GB,en;q=0.8' } }));
    expect(en.json).toMatchObject({ title: 'Not found', detail: 'There is no resource at /nothing.' });
  });

  it('fails with 405 and an Allow header for a known path with another method', async () => {
    const r = await call(setup().handler, event('DELETE', '/things/42', '/things/{id}'));
    expect(r.statusCode).toBe(405);
    expect(r.headers!.Allow).toBe('GET');
  });

  it('answers a CORS preflight of a known path', async () => {
    const r = await call(setup().handler, event('OPTIONS', '/things/42', '/things/{id}'));
    expect(r.statusCode).toBe(204);
    expect(r.headers).toMatchObject({ 'Access-Control-Allow-Methods': 'GET, OPTIONS', 'Access-Control-Allow-Origin': expect.any(String) });
  });

  it('fails with 400 and the invalid fields for bad path parameters and bodies', async () => {
    const { handler } = setup();
    const badPath = await call(handler, event('GET', '/things/x', '/things/{id}', { pathParameters: { id: 'x' } }));
    expect(badPath.statusCode).toBe(400);
    expect(badPath.json.errors).toEqual([{ path: 'path.id', message: expect.any(String) }]);
    const badBody = await call(handler, post('{"name":"a","extra":1}'));
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body', 'body.name']);
    const notJson = await call(handler, post('{"name":'));
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json.errors[0].path).toBe('body');
  });

  it('fails with 415 for a body that is not JSON and 413 for one over the limit', async () => {
    const { handler } = setup();
    expect((await call(handler, post('{"name":"ab"}', { 'Content-Type': 'text/plain' }))).statusCode).toBe(415);
    expect((await call(handler, post(JSON.stringify({ name: 'x'.repeat(200) })))).statusCode).toBe(413);
  });

  it('answers 500 without details to the client, with a correlation id', async () => {
    const r = await call(setup().handler, event('GET', '/boom', '/boom'));
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('exploded');
    expect(r.json).toMatchObject({ status: 500, correlationId: 'req-12345678' });
  });

  it('identifies a caller by an optional token, and fails with 401 for a bad one', async () => {
    const { handler } = setup();
    expect((await call(handler, post('{"name":"ab"}'))).json.caller).toBe('anonymous');
    expect((await call(handler, post('{"name":"ab"}', { Authorization: 'Bearer good' }))).json.caller).toBe('resident');
    const bad = await call(handler, post('{"name":"ab"}', { Authorization: 'Bearer forged' }));
    expect(bad.statusCode).toBe(401);
    expect(bad.headers!['WWW-Authenticate']).toBe('Bearer');
  });

  it('takes officers from the authorizer claims of required routes', async () => {
    const r = await call(
      setup().handler,
      event('GET', '/me/things', '/me/things', {
        requestContext: { requestId: 'req-12345678', authorizer: { claims: { sub: 'o-1', 'cognito:groups': 'miljo,other' } } } as never,
      }),
    );
    expect(r.json).toEqual({ kind: 'officer', sub: 'o-1', departments: ['miljo'] });
  });

  it('returns the first answer to a repeated Idempotency-Key and 422 for the key with another body', async () => {
    const s = setup();
    const first = await call(s.handler, post('{"name":"ab"}', { 'Idempotency-Key': 'k-1' }));
    const repeat = await call(s.handler, post('{"name":"ab"}', { 'Idempotency-Key': 'k-1' }));
    expect(repeat.json).toEqual(first.json);
    expect(repeat.headers!['Idempotent-Replayed']).toBe('true');
    expect(s.added()).toBe(1);
    const other = await call(s.handler, post('{"name":"cd"}', { 'Idempotency-Key': 'k-1' }));
    expect(other.statusCode).toBe(422);
    expect(s.added()).toBe(1);
  });
});
