/**
 * API Gateway's gateway responses: what the gateway answers for the errors it raises itself (no route,
 * unauthorized, body too large, integration failures), customizable per type with
 * `AWS::ApiGateway::GatewayResponse`.
 */

/** The gateway response types the local API Gateway raises. */
export type GatewayResponseType =
  | 'ACCESS_DENIED'
  | 'API_CONFIGURATION_ERROR'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'AUTHORIZER_FAILURE'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'EXPIRED_TOKEN'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'INVALID_API_KEY'
  | 'INVALID_SIGNATURE'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'QUOTA_EXCEEDED'
  | 'REQUEST_TOO_LARGE'
  | 'RESOURCE_NOT_FOUND'
  | 'THROTTLED'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'WAF_FILTERED';

/** API Gateway's defaults per type: status, message and the `x-amzn-ErrorType` header. */
const DEFAULTS: Record<GatewayResponseType, { statusCode: number; message: string; errorType: string }> = {
  ACCESS_DENIED: { statusCode: 403, message: 'User is not authorized to access this resource', errorType: 'AccessDeniedException' },
  API_CONFIGURATION_ERROR: { statusCode: 500, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  AUTHORIZER_CONFIGURATION_ERROR: { statusCode: 500, message: 'Internal server error', errorType: 'AuthorizerConfigurationException' },
  AUTHORIZER_FAILURE: { statusCode: 500, message: 'Internal server error', errorType: 'AuthorizerFailureException' },
  BAD_REQUEST_BODY: { statusCode: 400, message: 'Invalid request body', errorType: 'BadRequestException' },
  BAD_REQUEST_PARAMETERS: { statusCode: 400, message: 'Missing required request parameters', errorType: 'BadRequestException' },
  DEFAULT_4XX: { statusCode: 400, message: 'Bad Request', errorType: 'BadRequestException' },
  DEFAULT_5XX: { statusCode: 502, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  EXPIRED_TOKEN: { statusCode: 403, message: 'The security token included in the request is expired', errorType: 'ExpiredTokenException' },
  INTEGRATION_FAILURE: { statusCode: 504, message: 'Internal server error', errorType: 'InternalServerErrorException' },
  INTEGRATION_TIMEOUT: { statusCode: 504, message: 'Endpoint request timed out', errorType: 'InternalServerErrorException' },
  INVALID_API_KEY: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
  INVALID_SIGNATURE: { statusCode: 403, message: 'Invalid signature', errorType: 'InvalidSignatureException' },
  MISSING_AUTHENTICATION_TOKEN: { statusCode: 403, message: 'Missing Authentication Token', errorType: 'MissingAuthenticationTokenException' },
  QUOTA_EXCEEDED: { statusCode: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException' },
  REQUEST_TOO_LARGE: { statusCode: 413, message: 'Request Too Long', errorType: 'RequestTooLargeException' },
  RESOURCE_NOT_FOUND: { statusCode: 404, message: 'Not Found', errorType: 'NotFoundException' },
  THROTTLED: { statusCode: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException' },
  UNAUTHORIZED: { statusCode: 401, message: 'Unauthorized', errorType: 'UnauthorizedException' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, message: 'Unsupported Media Type', errorType: 'UnsupportedMediaTypeException' },
  WAF_FILTERED: { statusCode: 403, message: 'Forbidden', errorType: 'ForbiddenException' },
};

/** The default body template of every gateway response. */
const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/** A gateway response as an `AWS::ApiGateway::GatewayResponse` customizes it. */
export interface GatewayResponseSpec {
  readonly statusCode?: number;
  /** Content type → VTL template. */
  readonly templates: Readonly<Record<string, string>>;
  /** `gatewayresponse.header.<Name>` → `'literal'` or a request mapping like `method.request.header.Origin`. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** An error raised by the gateway itself. */
export interface GatewayError {
  readonly type: GatewayResponseType;
  /** Overrides the type's default message (e.g. "The incoming token has expired"). */
  readonly message?: string;
  /** Overrides the type's default status (e.g. 502 for a failed Lambda under DEFAULT_5XX). */
  readonly statusCode?: number;
}

/** What the templates and mappings can read from the request. */
export interface GatewayRequestContext {
  /** `$context.*` except `error` (requestId, httpMethod, path, resourcePath, stage, identity, ...). */
  readonly context: Record<string, unknown>;
  /** Request headers with lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly stageVariables?: Readonly<Record<string, string>>;
}

/** An HTTP answer of the gateway. */
export interface GatewayHttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Renders the gateway response for an error the way API Gateway does: the type's own customization, else
 * the DEFAULT_4XX/DEFAULT_5XX one, else the built-in default; templates rendered with `$context`.
 */
export function renderGatewayResponse(
  configured: ReadonlyMap<string, GatewayResponseSpec>,
  error: GatewayError,
  request: GatewayRequestContext,
): GatewayHttpResponse {
  const defaults = DEFAULTS[error.type];
  const ownStatus = error.statusCode ?? defaults.statusCode;
  const spec =
    configured.get(error.type) ?? configured.get(ownStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  const statusCode = spec?.statusCode ?? ownStatus;
  const message = error.message ?? defaults.message;
  const variables = {
    context: {
      ...request.context,
      error: {
        message,
        messageString: JSON.stringify(message),
        responseType: error.type,
        validationErrorString: '',
      },
    },
    stageVariables: request.stageVariables ?? {},
  };
  const templates = spec && Object.keys(spec.templates).length > 0 ? spec.templates : { 'application/json': DEFAULT_TEMPLATE };
  const contentType = 'application/json' in templates ? 'application/json' : (Object.keys(templates)[0] ?? 'application/json');
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'x-amzn-RequestId': String(request.context['requestId'] ?? ''),
    'x-amzn-ErrorType': defaults.errorType,
  };
  for (const [target, source] of Object.entries(spec?.parameters ?? {})) {
    const match = /^gatewayresponse\.header\.(.+)$/.exec(target);
    if (!match?.[1]) continue;
    const value = mappedValue(source, request, variables.context);
    if (value === undefined) continue;
    // A mapped Content-Type replaces the template's one, whatever its case.
    for (const name of Object.keys(headers)) if (name.toLowerCase() === match[1].toLowerCase()) delete headers[name];
    headers[match[1]] = value;
  }
  return { statusCode, headers, body: renderTemplate(templates[contentType] ?? DEFAULT_TEMPLATE, variables) };
}

/** The value of a parameter mapping: a quoted literal, or a request header, query, path parameter or context value. */
function mappedValue(source: string, request: GatewayRequestContext, context: Record<string, unknown>): string | undefined {
  const literal = /^'(.*)'$/s.exec(source);
  if (literal) return literal[1];
  const [, kind, name] = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(source) ?? [];
  if (kind === 'header' && name) return request.headers[name.toLowerCase()];
  if (kind === 'querystring' && name) return request.query[name];
  if (kind === 'path' && name) return request.pathParameters[name];
  if (source.startsWith('stageVariables.')) return request.stageVariables?.[source.slice('stageVariables.'.length)];
  if (source.startsWith('context.')) {
    const value = lookup({ context }, source.split('.'));
    return value === undefined ? undefined : String(value);
  }
  return undefined;
}

function lookup(root: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Renders the small part of VTL that gateway response templates use: `$ref.path`, `${ref.path}`, quiet
 * `$!ref` forms and `$util.escapeJavaScript(ref)`. A reference to nothing renders empty.
 */
export function renderTemplate(template: string, variables: Record<string, unknown>): string {
  const value = (path: string): string => {
    const found = lookup(variables, path.split('.'));
    return found === undefined || found === null ? '' : typeof found === 'object' ? JSON.stringify(found) : String(found);
  };
  const ref = String.raw`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)`;
  const pattern = new RegExp(String.raw`\$util\.escapeJavaScript\(\s*\$!?\{?${ref}\}?\s*\)|\$!?\{${ref}\}|\$!?${ref}`, 'g');
  return template.replace(pattern, (_m, escaped?: string, braced?: string, bare?: string) =>
    escaped !== undefined ? JSON.stringify(value(escaped)).slice(1, -1).replace(/'/g, "\\'") : value((braced ?? bare) as string),
  );
}
