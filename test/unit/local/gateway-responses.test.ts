import { describe, expect, it } from 'vitest';
import { renderGatewayResponse, renderTemplate, type GatewayRequestContext, type GatewayResponseSpec } from '../../../local/gateway-responses.js';

const request: GatewayRequestContext = {
  context: { requestId: 'req-1', httpMethod: 'GET', path: '/me/cases', stage: 'v1', identity: { sourceIp: '127.0.0.1' } },
  headers: { origin: 'https://example.se' },
  query: {},
  pathParameters: {},
};

describe('renderGatewayResponse', () => {
  it("answers with API Gateway's default when the API customizes nothing", () => {
    // Act
    const response = renderGatewayResponse(new Map(), { type: 'MISSING_AUTHENTICATION_TOKEN' }, request);
    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ message: 'Missing Authentication Token' });
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      'x-amzn-RequestId': 'req-1',
      'x-amzn-ErrorType': 'MissingAuthenticationTokenException',
    });
  });

  it('renders the customized template, status and headers of the type', () => {
    // Prepare
    const configured = new Map<string, GatewayResponseSpec>([
      [
        'UNAUTHORIZED',
        {
          statusCode: 401,
          templates: { 'application/json': '{"title":"Inloggning krävs","detail":$context.error.messageString,"correlationId":"$context.requestId"}' },
          parameters: {
            'gatewayresponse.header.content-type': "'application/problem+json'",
            'gatewayresponse.header.Access-Control-Allow-Origin': 'method.request.header.Origin',
          },
        },
      ],
    ]);
    // Act
    const response = renderGatewayResponse(configured, { type: 'UNAUTHORIZED', message: 'The incoming token has expired' }, request);
    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ title: 'Inloggning krävs', detail: 'The incoming token has expired', correlationId: 'req-1' });
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers['Content-Type']).toBeUndefined();
    expect(response.headers['Access-Control-Allow-Origin']).toBe('https://example.se');
  });

  it('falls back to DEFAULT_4XX and DEFAULT_5XX for types without their own', () => {
    // Prepare
    const configured = new Map<string, GatewayResponseSpec>([
      ['DEFAULT_4XX', { templates: { 'application/json': '{"kind":"4xx","type":"$context.error.responseType"}' }, parameters: {} }],
      ['DEFAULT_5XX', { statusCode: 500, templates: { 'application/json': '{"kind":"5xx"}' }, parameters: {} }],
    ]);
    // Act
    const tooLarge = renderGatewayResponse(configured, { type: 'REQUEST_TOO_LARGE' }, request);
    const failed = renderGatewayResponse(configured, { type: 'DEFAULT_5XX', statusCode: 502 }, request);
    // Assess
    expect(tooLarge.statusCode).toBe(413);
    expect(JSON.parse(tooLarge.body)).toEqual({ kind: '4xx', type: 'REQUEST_TOO_LARGE' });
    expect(failed.statusCode).toBe(500);
  });

  it('keeps the error status when nothing customizes it', () => {
    expect(renderGatewayResponse(new Map(), { type: 'DEFAULT_5XX', statusCode: 502 }, request).statusCode).toBe(502);
    expect(renderGatewayResponse(new Map(), { type: 'INTEGRATION_TIMEOUT' }, request).statusCode).toBe(504);
  });
});

describe('renderTemplate', () => {
  const variables = { context: { requestId: 'r', error: { message: 'It\'s "bad"' }, identity: { sourceIp: '10.0.0.1' } } };

  it('renders plain, braced and quiet references', () => {
    expect(renderTemplate('$context.requestId ${context.identity.sourceIp} $!context.requestId.', variables)).toBe('r 10.0.0.1 r.');
  });

  it('renders a reference to nothing as empty', () => {
    expect(renderTemplate('[$context.nothing]', variables)).toBe('[]');
  });

  it('escapes for JavaScript strings with $util.escapeJavaScript', () => {
    expect(renderTemplate('"$util.escapeJavaScript($context.error.message)"', variables)).toBe('"It\\\'s \\"bad\\""');
  });
});
