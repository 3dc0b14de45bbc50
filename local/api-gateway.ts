import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { matchRoute, type ApiMethod, type RestApi, type RouteMatch } from './api-routes.js';
import { FunctionError, type FunctionRuntime } from './functions.js';
import { renderGatewayResponse, type GatewayError, type GatewayHttpResponse } from './gateway-responses.js';
import { JWKS_PATH, type LocalIdentityProvider } from './identity.js';

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Served when the app has no REST API: every path is unknown. */
const EMPTY_API: RestApi = {
  stackName: '',
  logicalId: '',
  apiId: 'none',
  name: 'none',
  stage: 'v1',
  binaryMediaTypes: [],
  root: { id: 'root', pathPart: '', path: '/', children: [], methods: new Map() },
  gatewayResponses: new Map(),
  apiKeys: [],
};

/** The parts of a Lambda proxy result API Gateway REST accepts; anything else is a malformed response. */
const PROXY_RESULT_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

/** Options of the local API Gateway. */
export interface LocalApiGatewayOptions {
  /** No request log or function error log. @default false */
  readonly quiet?: boolean;
}

/** What the gateway serves once the platform is ready. */
export interface GatewayTarget {
  /** Undefined when the app has no REST API: every request then gets MISSING_AUTHENTICATION_TOKEN. */
  readonly api?: RestApi;
  readonly functions: FunctionRuntime;
  readonly identity: LocalIdentityProvider;
}

/** One request as the gateway sees it, before the integration. */
interface GatewayRequest {
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly requestTimeEpoch: number;
  readonly httpMethod: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly headerPairs: readonly (readonly [string, string])[];
  readonly sourceIp: string;
}

/**
 * The API Gateway stand-in: an HTTP server (no stage prefix) that routes like the REST API of the
 * templates, authorizes with the local identity provider, builds the Lambda proxy (v1) event, invokes the
 * function and maps its result, or answers a gateway response for the errors the gateway raises itself.
 * It also serves the local identity provider's JWKS.
 */
export class LocalApiGateway {
  private target?: GatewayTarget;
  private server?: Server;

  constructor(private readonly options: LocalApiGatewayOptions = {}) {}

  /** Serves this REST API from now on; until then (the port is bound early) requests get 503. */
  serve(target: GatewayTarget): void {
    this.target = target;
  }

  /** Starts listening; resolves to the bound port. */
  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        console.error('[api-gateway] request failed:', error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"message":"Internal server error"}');
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Stops accepting requests and drops open connections. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const headerPairs: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headerPairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const request: GatewayRequest = {
      requestId: randomUUID(),
      extendedRequestId: randomBytes(8).toString('base64url').slice(0, 11) + '=',
      requestTimeEpoch: started,
      httpMethod: (req.method ?? 'GET').toUpperCase(),
      path: queryAt === -1 ? url : url.slice(0, queryAt),
      rawQuery: queryAt === -1 ? '' : url.slice(queryAt + 1),
      headerPairs,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    };
    res.on('finish', () => {
      // The query is left out: it may hold access codes and API keys.
      if (!this.options.quiet) console.log(`[api] ${request.httpMethod} ${request.path}${request.rawQuery ? '?…' : ''} ${res.statusCode} ${Date.now() - started}ms`);
    });

    const target = this.target;
    if (!target) {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
      res.end('{"message":"The local platform is starting"}');
      return;
    }
    if (request.path === JWKS_PATH && (request.httpMethod === 'GET' || request.httpMethod === 'HEAD')) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' });
      res.end(JSON.stringify(target.identity.jwks));
      return;
    }
    const api = target.api ?? EMPTY_API;

    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === undefined) {
      this.send(res, this.gatewayResponse(api, { type: 'REQUEST_TOO_LARGE' }, request));
      return;
    }

    const match = matchRoute(api, request.httpMethod, request.path);
    if (!match?.method) {
      this.send(res, this.gatewayResponse(api, { type: 'MISSING_AUTHENTICATION_TOKEN' }, request, match));
      return;
    }
    const method = match.method;

    let claims: Record<string, string> | undefined;
    const headers = lowercaseHeaders(request.headerPairs);
    if (method.authorizationType === 'COGNITO_USER_POOLS') {
      const decision = await target.identity.authorize(headers[method.authorizer?.tokenHeader ?? 'authorization'], method.authorizationScopes);
      if (!decision.ok) {
        const type = decision.status === 403 ? 'ACCESS_DENIED' : 'UNAUTHORIZED';
        this.send(res, this.gatewayResponse(api, { type, message: decision.message }, request, match));
        return;
      }
      claims = decision.claims;
    } else if (method.authorizationType === 'AWS_IAM') {
      // SigV4 is not verified locally; a request without any signature is refused as on AWS.
      if (!headers['authorization']?.startsWith('AWS4-HMAC-SHA256')) {
        this.send(res, this.gatewayResponse(api, { type: 'MISSING_AUTHENTICATION_TOKEN' }, request, match));
        return;
      }
    } else if (method.authorizationType !== 'NONE') {
      if (!this.options.quiet) console.error(`[api] ${method.authorizationType} authorizers are not supported locally`);
      this.send(res, this.gatewayResponse(api, { type: 'AUTHORIZER_CONFIGURATION_ERROR' }, request, match));
      return;
    }
    if (method.apiKeyRequired) {
      const key = headers['x-api-key'];
      if (!key || (api.apiKeys.length > 0 && !api.apiKeys.includes(key))) {
        this.send(res, this.gatewayResponse(api, { type: 'INVALID_API_KEY' }, request, match));
        return;
      }
    }

    const integration = method.integration;
    if (integration.type === 'MOCK') {
      res.writeHead(integration.statusCode, { 'Content-Type': 'application/json', ...integration.headers, 'x-amzn-RequestId': request.requestId });
      res.end(integration.body);
      return;
    }
    if (integration.type === 'UNSUPPORTED') {
      if (!this.options.quiet) console.error(`[api] ${integration.description} is not supported locally`);
      this.send(res, this.gatewayResponse(api, { type: 'API_CONFIGURATION_ERROR' }, request, match));
      return;
    }

    const event = proxyEvent(api, request, match, method, body, claims);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integration.timeoutMs);
    });
    let result: unknown;
    try {
      result = await Promise.race([target.functions.invoke(integration.functionName, event, request.requestId), timedOut]);
    } catch (error) {
      if (!this.options.quiet) {
        const detail = error instanceof FunctionError ? `${error.errorType}: ${error.errorMessage}\n${error.trace.join('\n')}` : String(error);
        console.error(`[${integration.functionName}] invocation failed: ${detail}`);
      }
      this.send(res, this.gatewayResponse(api, { type: 'DEFAULT_5XX', statusCode: 502 }, request, match));
      return;
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') {
      this.send(res, this.gatewayResponse(api, { type: 'INTEGRATION_TIMEOUT' }, request, match));
      return;
    }
    const response = proxyResponse(result);
    if (typeof response === 'string') {
      if (!this.options.quiet) console.error(`[${integration.functionName}] malformed Lambda proxy response: ${response}`);
      this.send(res, this.gatewayResponse(api, { type: 'DEFAULT_5XX', statusCode: 502 }, request, match));
      return;
    }
    try {
      res.statusCode = response.statusCode;
      for (const [name, values] of Object.entries(response.headers)) res.setHeader(name, values.length === 1 ? values[0]! : values);
      if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
      res.setHeader('x-amzn-RequestId', request.requestId);
    } catch (error) {
      // A header Node refuses (invalid name or value) is a malformed response on AWS too.
      if (!this.options.quiet) console.error(`[${integration.functionName}] malformed Lambda proxy response: ${(error as Error).message}`);
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      this.send(res, this.gatewayResponse(api, { type: 'DEFAULT_5XX', statusCode: 502 }, request, match));
      return;
    }
    res.end(response.body);
  }

  private gatewayResponse(api: RestApi, error: GatewayError, request: GatewayRequest, match?: RouteMatch): GatewayHttpResponse {
    const headers = lowercaseHeaders(request.headerPairs);
    const query = Object.fromEntries(new URLSearchParams(request.rawQuery));
    return renderGatewayResponse(api.gatewayResponses, error, {
      context: requestContextVariables(api, request, match, headers),
      headers,
      query,
      pathParameters: match?.pathParameters ?? {},
    });
  }

  private send(res: ServerResponse, response: GatewayHttpResponse): void {
    res.writeHead(response.statusCode, response.headers);
    res.end(response.body);
  }
}

/**
 * Reads the body up to `limit` bytes; undefined when it is larger. A larger body is still read to its end
 * (and dropped): answering 413 while the client is still sending would reset its connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.once('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.once('error', reject);
  });
}

function lowercaseHeaders(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of pairs) headers[name.toLowerCase()] = value;
  return headers;
}

function requestTime(epoch: number): string {
  // API Gateway's CLF format: 09/Apr/2015:12:34:56 +0000
  const date = new Date(epoch);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}

function requestContextVariables(
  api: RestApi,
  request: GatewayRequest,
  match: RouteMatch | undefined,
  headers: Record<string, string>,
): Record<string, unknown> {
  const host = headers['host'] ?? 'localhost';
  return {
    accountId: '000000000000',
    apiId: api.apiId,
    domainName: host,
    domainPrefix: host.split('.')[0],
    extendedRequestId: request.extendedRequestId,
    httpMethod: request.httpMethod,
    path: request.path,
    protocol: 'HTTP/1.1',
    requestId: request.requestId,
    requestTime: requestTime(request.requestTimeEpoch),
    requestTimeEpoch: request.requestTimeEpoch,
    resourceId: match?.resource.id ?? '',
    resourcePath: match?.resource.path ?? '',
    stage: api.stage,
    identity: { sourceIp: request.sourceIp, userAgent: headers['user-agent'] ?? '' },
  };
}

/** Whether a request content type is one of the API's binary media types (`*\/*` and `image/*` patterns). */
export function isBinaryMediaType(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return binaryMediaTypes.some((pattern) => {
    const [major, minor] = pattern.toLowerCase().split('/');
    const [typeMajor, typeMinor] = type.split('/');
    return (major === '*' || major === typeMajor) && (minor === '*' || minor === typeMinor);
  });
}

/** Builds the REST API Lambda proxy (v1) event, as API Gateway sends it. */
function proxyEvent(
  api: RestApi,
  request: GatewayRequest,
  match: RouteMatch,
  method: ApiMethod,
  body: Buffer,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEvent {
  const pairs = [...request.headerPairs];
  const has = (name: string): boolean => pairs.some(([key]) => key.toLowerCase() === name);
  // API Gateway adds these before the integration.
  if (!has('x-forwarded-for')) pairs.push(['X-Forwarded-For', request.sourceIp]);
  if (!has('x-forwarded-proto')) pairs.push(['X-Forwarded-Proto', 'http']);
  if (!has('x-amzn-trace-id')) {
    pairs.push(['X-Amzn-Trace-Id', `Root=1-${Math.floor(request.requestTimeEpoch / 1000).toString(16)}-${randomBytes(12).toString('hex')}`]);
  }
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(request.rawQuery)) {
    query[name] = value;
    (multiValueQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const lower = lowercaseHeaders(request.headerPairs);
  const binary = body.length > 0 && isBinaryMediaType(lower['content-type'], api.binaryMediaTypes);
  const context = requestContextVariables(api, request, match, lower);
  return {
    resource: match.resource.path,
    path: request.path,
    httpMethod: request.httpMethod,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: {
      ...(context as Omit<APIGatewayProxyEvent['requestContext'], 'identity' | 'authorizer'>),
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: method.apiKeyRequired ? (lower['x-api-key'] ?? null) : null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: lower['user-agent'] ?? null,
        userArn: null,
      },
      ...(claims ? { authorizer: { claims } } : {}),
    } as APIGatewayProxyEvent['requestContext'],
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

/** A valid proxy result as status, headers (name → values) and body; or why it is malformed. */
function proxyResponse(result: unknown): { statusCode: number; headers: Record<string, string[]>; body: Buffer } | string {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return `expected an object, got ${JSON.stringify(result)}`;
  const value = result as Record<string, unknown>;
  const unknownKey = Object.keys(value).find((key) => !PROXY_RESULT_KEYS.has(key));
  if (unknownKey) return `unexpected field ${unknownKey}`;
  const statusCode = Number(value['statusCode']);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return `invalid statusCode ${JSON.stringify(value['statusCode'])}`;
  if (value['body'] !== undefined && value['body'] !== null && typeof value['body'] !== 'string') return 'body must be a string';
  const scalar = (v: unknown): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v);
  const headers: Record<string, string[]> = {};
  const multi = value['multiValueHeaders'];
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== 'object') return 'multiValueHeaders must be an object';
    for (const [name, values] of Object.entries(multi)) {
      if (!Array.isArray(values) || !values.every(scalar)) return `multiValueHeaders.${name} must be a list of strings`;
      headers[name] = values.map(String);
    }
  }
  const single = value['headers'];
  if (single !== undefined && single !== null) {
    if (typeof single !== 'object') return 'headers must be an object';
    const taken = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    for (const [name, header] of Object.entries(single)) {
      if (!scalar(header)) return `headers.${name} must be a string`;
      // When both name a header, API Gateway keeps the multiValueHeaders values.
      if (!taken.has(name.toLowerCase())) headers[name] = [String(header)];
    }
  }
  const text = (value['body'] as string | undefined | null) ?? '';
  const body = value['isBase64Encoded'] === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  return { statusCode, headers, body };
}
