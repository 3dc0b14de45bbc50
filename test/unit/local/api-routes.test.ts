import { describe, expect, it } from 'vitest';
import { buildRestApis, matchRoute, type RestApi } from '../../../local/api-routes.js';
import { IntrinsicResolver } from '../../../local/intrinsics.js';
import { apiTemplate, stack } from './fixtures.js';

const stacks = [stack('app-api', apiTemplate)];
const [api] = buildRestApis(stacks, new IntrinsicResolver(stacks, { region: 'eu-north-1' })) as [RestApi];

const route = (method: string, path: string) => {
  const match = matchRoute(api, method, path);
  return { resource: match?.resource.path, method: match?.method?.httpMethod, params: match?.pathParameters };
};

describe('buildRestApis', () => {
  it('builds the resource tree from ParentId and PathPart, whatever the template order', () => {
    expect(api.root.children.map((child) => child.path).sort()).toEqual(['/cases', '/files', '/health', '/{proxy+}']);
    expect(api.stage).toBe('v1');
    expect(api.binaryMediaTypes).toEqual(['image/*', 'multipart/form-data']);
  });

  it('finds the function of a proxy integration through the ARN in Integration.Uri', () => {
    const health = matchRoute(api, 'GET', '/health')?.method;
    const caseById = matchRoute(api, 'GET', '/cases/1')?.method;
    expect(health?.integration).toEqual({ type: 'AWS_PROXY', functionName: 'platform', timeoutMs: 29_000 });
    expect(caseById?.integration).toMatchObject({ type: 'AWS_PROXY', functionName: 'app-api-CasesFn' });
  });

  it('reads the Cognito authorizer of a method', () => {
    const method = matchRoute(api, 'GET', '/cases/1')?.method;
    expect(method?.authorizationType).toBe('COGNITO_USER_POOLS');
    expect(method?.authorizer).toMatchObject({ type: 'COGNITO_USER_POOLS', tokenHeader: 'authorization' });
  });

  it('reads gateway responses and MOCK integrations', () => {
    expect(api.gatewayResponses.get('UNAUTHORIZED')).toMatchObject({ statusCode: 401 });
    expect(matchRoute(api, 'OPTIONS', '/health')?.method?.integration).toEqual({
      type: 'MOCK',
      statusCode: 204,
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET,OPTIONS' },
      body: '',
    });
  });
});

describe('matchRoute', () => {
  it('prefers a static path part over a parameter', () => {
    expect(route('GET', '/cases/mine')).toEqual({ resource: '/cases/mine', method: 'GET', params: null });
  });

  it('prefers a parameter over a greedy path', () => {
    expect(route('GET', '/cases/abc')).toEqual({ resource: '/cases/{caseId}', method: 'GET', params: { caseId: 'abc' } });
  });

  it('sends what no other resource matches to the greedy path, with the rest of the path as parameter', () => {
    expect(route('GET', '/cases/abc/more')).toEqual({ resource: '/{proxy+}', method: 'ANY', params: { proxy: 'cases/abc/more' } });
    expect(route('GET', '/files/a/b.pdf')).toEqual({ resource: '/files/{key+}', method: 'GET', params: { key: 'a/b.pdf' } });
  });

  it('prefers an explicit method over ANY', () => {
    expect(route('GET', '/cases/abc').method).toBe('GET');
    expect(route('DELETE', '/cases/abc').method).toBe('ANY');
  });

  it('treats a resource without methods as a container, not a match', () => {
    expect(route('GET', '/cases')).toEqual({ resource: '/{proxy+}', method: 'ANY', params: { proxy: 'cases' } });
  });

  it('matches the root', () => {
    expect(route('POST', '/')).toEqual({ resource: '/', method: 'ANY', params: null });
  });

  it('gives a match without method when the resource lacks the method and ANY', () => {
    // API Gateway answers MISSING_AUTHENTICATION_TOKEN; it does not fall back to the greedy path.
    expect(route('POST', '/health')).toEqual({ resource: '/health', method: undefined, params: null });
  });

  it('keeps path parameters as sent (percent-encoded)', () => {
    expect(route('GET', '/cases/a%20b').params).toEqual({ caseId: 'a%20b' });
  });

  it('fails to match when nothing claims the path', () => {
    const tree = { ...api, root: { ...api.root, children: api.root.children.filter((child) => child.pathPart !== '{proxy+}') } };
    expect(matchRoute(tree, 'GET', '/nothing/here')).toBeUndefined();
  });
});
