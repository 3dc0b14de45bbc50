import type { GatewayResponseSpec } from './gateway-responses.js';
import type { IntrinsicResolver } from './intrinsics.js';
import { constructPath, resourcesOfType, type StackResource, type StackTemplate } from './template.js';

/** How API Gateway checks a token before the integration runs. */
export interface ApiAuthorizer {
  readonly type: string;
  /** Header that carries the token (from `IdentitySource: method.request.header.<Name>`), lowercase. */
  readonly tokenHeader: string;
  readonly name: string;
}

/** What a method calls. */
export type ApiIntegration =
  | { readonly type: 'AWS_PROXY'; readonly functionName: string; readonly timeoutMs: number }
  | { readonly type: 'MOCK'; readonly statusCode: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly type: 'UNSUPPORTED'; readonly description: string };

/** One `AWS::ApiGateway::Method`. */
export interface ApiMethod {
  readonly httpMethod: string;
  readonly authorizationType: string;
  readonly authorizer?: ApiAuthorizer;
  readonly authorizationScopes: readonly string[];
  readonly apiKeyRequired: boolean;
  readonly integration: ApiIntegration;
}

/** One `AWS::ApiGateway::Resource` (or the root) with its methods and children. */
export interface ApiResource {
  readonly id: string;
  readonly pathPart: string;
  /** Resource path, e.g. `/cases/{caseId}`. */
  readonly path: string;
  readonly children: ApiResource[];
  readonly methods: Map<string, ApiMethod>;
}

/** A REST API as the local API Gateway serves it. */
export interface RestApi {
  readonly stackName: string;
  readonly logicalId: string;
  readonly apiId: string;
  readonly name: string;
  readonly stage: string;
  readonly binaryMediaTypes: readonly string[];
  readonly root: ApiResource;
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponseSpec>;
  /** Values of `AWS::ApiGateway::ApiKey` resources that set one; empty when keys are generated. */
  readonly apiKeys: readonly string[];
}

/** API Gateway's default integration timeout. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * Builds every REST API of the templates: the resource tree from `AWS::ApiGateway::Resource`
 * (ParentId/PathPart), methods from `AWS::ApiGateway::Method`, Lambda proxy integrations from the function
 * ARN inside `Integration.Uri`, authorizers and gateway responses.
 */
export function buildRestApis(stacks: readonly StackTemplate[], resolver: IntrinsicResolver): RestApi[] {
  const active = (type: string): StackResource[] =>
    resourcesOfType(stacks, type).filter(({ stack, resource }) => resolver.isActive(stack, resource));
  const apis = new Map<string, { api: RestApi; nodes: Map<string, ApiResource> }>();
  for (const { stack, logicalId, resource } of active('AWS::ApiGateway::RestApi')) {
    const props = resource.Properties ?? {};
    const apiId = resolver.resolveString(stack, { Ref: logicalId });
    const rootId = resolver.resolveString(stack, { 'Fn::GetAtt': [logicalId, 'RootResourceId'] });
    const root: ApiResource = { id: rootId, pathPart: '', path: '/', children: [], methods: new Map() };
    const binary = (resolver.resolve(stack, props['BinaryMediaTypes']) as string[] | undefined) ?? [];
    const api: RestApi = {
      stackName: stack.stackName,
      logicalId,
      apiId,
      name: props['Name'] === undefined ? constructPath(resource) ?? logicalId : resolver.resolveString(stack, props['Name']),
      stage: 'v1',
      binaryMediaTypes: binary.map((type) => type.replace(/~1/g, '/')),
      root,
      gatewayResponses: new Map(),
      apiKeys: [],
    };
    apis.set(apiId, { api, nodes: new Map([[rootId, root]]) });
  }

  // Resources may come in any order: attach each once its parent is known.
  const pending = active('AWS::ApiGateway::Resource').map(({ stack, logicalId, resource }) => {
    const props = resource.Properties ?? {};
    return {
      apiId: resolver.resolveString(stack, props['RestApiId']),
      id: resolver.resolveString(stack, { Ref: logicalId }),
      parentId: resolver.resolveString(stack, props['ParentId']),
      pathPart: resolver.resolveString(stack, props['PathPart']),
    };
  });
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    for (let i = pending.length - 1; i >= 0; i--) {
      const item = pending[i]!;
      const entry = apis.get(item.apiId);
      const parent = entry?.nodes.get(item.parentId);
      if (!entry || !parent) continue;
      const node: ApiResource = {
        id: item.id,
        pathPart: item.pathPart,
        path: `${parent.path === '/' ? '' : parent.path}/${item.pathPart}`,
        children: [],
        methods: new Map(),
      };
      parent.children.push(node);
      entry.nodes.set(item.id, node);
      pending.splice(i, 1);
      progress = true;
    }
  }

  const authorizers = new Map<string, ApiAuthorizer>();
  for (const { stack, logicalId, resource } of active('AWS::ApiGateway::Authorizer')) {
    const props = resource.Properties ?? {};
    const source = props['IdentitySource'] === undefined ? '' : resolver.resolveString(stack, props['IdentitySource']);
    authorizers.set(resolver.resolveString(stack, { Ref: logicalId }), {
      type: resolver.resolveString(stack, props['Type']),
      tokenHeader: (/method\.request\.header\.([^,\s]+)/.exec(source)?.[1] ?? 'Authorization').toLowerCase(),
      name: props['Name'] === undefined ? logicalId : resolver.resolveString(stack, props['Name']),
    });
  }

  for (const { stack, logicalId, resource } of active('AWS::ApiGateway::Method')) {
    const props = resource.Properties ?? {};
    const entry = apis.get(resolver.resolveString(stack, props['RestApiId']));
    const node = entry?.nodes.get(resolver.resolveString(stack, props['ResourceId']));
    if (!entry || !node) throw new Error(`method ${stack.stackName}/${logicalId} belongs to no known API resource`);
    const authorizerId = props['AuthorizerId'] === undefined ? undefined : resolver.resolveString(stack, props['AuthorizerId']);
    const authorizer = authorizerId === undefined ? undefined : authorizers.get(authorizerId);
    const httpMethod = resolver.resolveString(stack, props['HttpMethod']).toUpperCase();
    node.methods.set(httpMethod, {
      httpMethod,
      authorizationType: props['AuthorizationType'] === undefined ? 'NONE' : resolver.resolveString(stack, props['AuthorizationType']),
      ...(authorizer ? { authorizer } : {}),
      authorizationScopes: (resolver.resolve(stack, props['AuthorizationScopes']) as string[] | undefined) ?? [],
      apiKeyRequired: resolver.resolve(stack, props['ApiKeyRequired']) === true,
      integration: integrationOf(resolver.resolve(stack, props['Integration']) as Record<string, unknown> | undefined),
    });
  }

  const byLogicalId = (stack: StackTemplate, value: unknown): { api: RestApi } | undefined =>
    value === undefined ? undefined : apis.get(resolver.resolveString(stack, value));
  for (const { stack, resource } of active('AWS::ApiGateway::Stage')) {
    const entry = byLogicalId(stack, resource.Properties?.['RestApiId']);
    if (entry) (entry.api as { stage: string }).stage = resolver.resolveString(stack, resource.Properties?.['StageName']);
  }
  for (const { stack, resource } of active('AWS::ApiGateway::GatewayResponse')) {
    const props = resource.Properties ?? {};
    const entry = byLogicalId(stack, props['RestApiId']);
    if (!entry) continue;
    const statusCode = props['StatusCode'] === undefined ? undefined : Number(resolver.resolve(stack, props['StatusCode']));
    (entry.api.gatewayResponses as Map<string, GatewayResponseSpec>).set(resolver.resolveString(stack, props['ResponseType']), {
      ...(statusCode === undefined ? {} : { statusCode }),
      templates: (resolver.resolve(stack, props['ResponseTemplates']) as Record<string, string> | undefined) ?? {},
      parameters: (resolver.resolve(stack, props['ResponseParameters']) as Record<string, string> | undefined) ?? {},
    });
  }
  const keys = active('AWS::ApiGateway::ApiKey')
    .map(({ stack, resource }) => resolver.resolve(stack, resource.Properties?.['Value']))
    .filter((value): value is string => typeof value === 'string');
  for (const { api } of apis.values()) (api.apiKeys as string[]).push(...keys);
  return [...apis.values()].map(({ api }) => api);
}

function integrationOf(integration: Record<string, unknown> | undefined): ApiIntegration {
  const type = String(integration?.['Type'] ?? 'MOCK');
  if (type === 'AWS_PROXY') {
    const uri = String(integration?.['Uri'] ?? '');
    // arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations
    const functionArn = /\/functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? '';
    const functionName = /:function:([^:/]+)/.exec(functionArn)?.[1];
    if (!functionName) return { type: 'UNSUPPORTED', description: `AWS_PROXY to ${uri}` };
    return { type, functionName, timeoutMs: Number(integration?.['TimeoutInMillis'] ?? DEFAULT_INTEGRATION_TIMEOUT_MS) };
  }
  if (type === 'MOCK') {
    // CORS preflights: the first integration response's static header mappings and status.
    const responses = (integration?.['IntegrationResponses'] as Record<string, unknown>[] | undefined) ?? [];
    const response = responses.find((r) => !r['SelectionPattern']) ?? responses[0] ?? {};
    const headers: Record<string, string> = {};
    for (const [target, source] of Object.entries((response['ResponseParameters'] as Record<string, string> | undefined) ?? {})) {
      const name = /^method\.response\.header\.(.+)$/.exec(target)?.[1];
      const literal = /^'(.*)'$/s.exec(String(source))?.[1];
      if (name && literal !== undefined) headers[name] = literal;
    }
    const templates = (response['ResponseTemplates'] as Record<string, string> | undefined) ?? {};
    const template = templates['application/json'] ?? '';
    return {
      type,
      statusCode: Number(response['StatusCode'] ?? 200),
      headers,
      body: /[$#]/.test(template) ? '' : template,
    };
  }
  return { type: 'UNSUPPORTED', description: `${type} integration` };
}

/** The resource and method a request reaches, with its path parameters (null when none, as in the event). */
export interface RouteMatch {
  readonly resource: ApiResource;
  /** Undefined when the path reaches a resource that has neither the request's method nor ANY. */
  readonly method?: ApiMethod;
  readonly pathParameters: Record<string, string> | null;
}

/**
 * Finds the resource for a request path the way API Gateway does: at each level a static path part before
 * a `{param}` before a greedy `{name+}`, backtracking when a branch cannot reach the whole path (resources
 * without any method are only containers and never match). On the found resource an explicit method wins
 * over ANY; a resource without either gives a match without method (API Gateway answers
 * MISSING_AUTHENTICATION_TOKEN, it does not fall back to a greedy sibling). `path` is the raw URL path.
 */
export function matchRoute(api: RestApi, httpMethod: string, path: string): RouteMatch | undefined {
  const segments = path.split('/').filter((segment) => segment !== '');
  const found = findResource(api.root, segments, 0, {});
  if (!found) return undefined;
  const method = found.resource.methods.get(httpMethod.toUpperCase()) ?? found.resource.methods.get('ANY');
  const params = Object.keys(found.params).length > 0 ? found.params : null;
  return { resource: found.resource, ...(method ? { method } : {}), pathParameters: params };
}

function findResource(
  node: ApiResource,
  segments: readonly string[],
  index: number,
  params: Record<string, string>,
): { resource: ApiResource; params: Record<string, string> } | undefined {
  if (index === segments.length) return node.methods.size > 0 ? { resource: node, params } : undefined;
  const segment = segments[index]!;
  const decoded = safeDecode(segment);
  for (const child of node.children) {
    if (child.pathPart === decoded && !isParameter(child.pathPart)) {
      const found = findResource(child, segments, index + 1, params);
      if (found) return found;
    }
  }
  for (const child of node.children) {
    const name = /^\{([^}+]+)\}$/.exec(child.pathPart)?.[1];
    if (name) {
      const found = findResource(child, segments, index + 1, { ...params, [name]: segment });
      if (found) return found;
    }
  }
  for (const child of node.children) {
    const name = /^\{([^}]+)\+\}$/.exec(child.pathPart)?.[1];
    if (name && child.methods.size > 0) {
      return { resource: child, params: { ...params, [name]: segments.slice(index).join('/') } };
    }
  }
  return undefined;
}

function isParameter(pathPart: string): boolean {
  return pathPart.startsWith('{') && pathPart.endsWith('}');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
