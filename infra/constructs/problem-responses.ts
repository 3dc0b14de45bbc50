import { GatewayResponse, ResponseType, type IRestApi } from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';

interface GatewayProblem {
  readonly type: ResponseType;
  readonly status: number;
  /** Last segment of the problem type URI. */
  readonly slug: string;
  /** Swedish is the API's default language; the gateway cannot negotiate `Accept-Language`. */
  readonly title: string;
  /** Pass API Gateway's own message as `detail` (it names the missing parameter or invalid body). */
  readonly withDetail?: boolean;
}

/**
 * Every response API Gateway makes itself, with the status the API answers it with. The two defaults
 * catch types added later; each known type is listed so that its body states its real status.
 */
export const GATEWAY_PROBLEMS: readonly GatewayProblem[] = [
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: 400, slug: 'bad-request', title: 'Ogiltig begäran', withDetail: true },
  { type: ResponseType.BAD_REQUEST_BODY, status: 400, slug: 'bad-request', title: 'Ogiltig begäran', withDetail: true },
  { type: ResponseType.UNAUTHORIZED, status: 401, slug: 'unauthorized', title: 'Inloggning krävs' },
  { type: ResponseType.EXPIRED_TOKEN, status: 401, slug: 'unauthorized', title: 'Inloggningen har gått ut' },
  { type: ResponseType.ACCESS_DENIED, status: 403, slug: 'forbidden', title: 'Åtkomst nekad' },
  { type: ResponseType.INVALID_SIGNATURE, status: 403, slug: 'forbidden', title: 'Åtkomst nekad' },
  { type: ResponseType.INVALID_API_KEY, status: 403, slug: 'forbidden', title: 'Ogiltig API-nyckel' },
  { type: ResponseType.WAF_FILTERED, status: 403, slug: 'forbidden', title: 'Begäran stoppades' },
  // A resource without the asked method, e.g. /cases without a case id, is an unknown route: 404.
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, slug: 'not-found', title: 'Resursen finns inte' },
  { type: ResponseType.RESOURCE_NOT_FOUND, status: 404, slug: 'not-found', title: 'Resursen finns inte' },
  { type: ResponseType.REQUEST_TOO_LARGE, status: 413, slug: 'payload-too-large', title: 'Begäran är för stor' },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, slug: 'unsupported-media-type', title: 'Innehållstypen stöds inte' },
  { type: ResponseType.THROTTLED, status: 429, slug: 'too-many-requests', title: 'För många förfrågningar' },
  { type: ResponseType.QUOTA_EXCEEDED, status: 429, slug: 'too-many-requests', title: 'Kvoten är förbrukad' },
  { type: ResponseType.DEFAULT_4XX, status: 400, slug: 'bad-request', title: 'Ogiltig begäran' },
  { type: ResponseType.AUTHORIZER_FAILURE, status: 500, slug: 'internal', title: 'Tekniskt fel' },
  { type: ResponseType.AUTHORIZER_CONFIGURATION_ERROR, status: 500, slug: 'internal', title: 'Tekniskt fel' },
  { type: ResponseType.API_CONFIGURATION_ERROR, status: 500, slug: 'internal', title: 'Tekniskt fel' },
  { type: ResponseType.INTEGRATION_FAILURE, status: 502, slug: 'bad-gateway', title: 'Tjänsten svarade inte korrekt' },
  { type: ResponseType.INTEGRATION_TIMEOUT, status: 504, slug: 'gateway-timeout', title: 'Tjänsten svarade inte i tid' },
  { type: ResponseType.DEFAULT_5XX, status: 500, slug: 'internal', title: 'Tekniskt fel' },
];

export interface ProblemResponsesProps {
  readonly api: IRestApi;
  /** Base of the problem type URIs, e.g. the municipality's public address. */
  readonly problemTypeBase: string;
  /** Headers on every gateway response besides `Content-Type`, e.g. CORS and rate-limit headers. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Makes API Gateway's own error responses RFC 9457 `application/problem+json`, like the functions' errors. */
export class ProblemResponses extends Construct {
  constructor(scope: Construct, id: string, props: ProblemResponsesProps) {
    super(scope, id);
    const base = props.problemTypeBase.replace(/\/+$/, '');
    for (const problem of GATEWAY_PROBLEMS) {
      // Only 4xx details reach the client; 5xx bodies stay generic. requestId lets support find the logs.
      const body = [
        `"type":${JSON.stringify(`${base}/problems/${problem.slug}`)}`,
        `"title":${JSON.stringify(problem.title)}`,
        `"status":${problem.status}`,
        ...(problem.withDetail ? ['"detail":$context.error.messageString'] : []),
        '"correlationId":"$context.requestId"',
      ];
      new GatewayResponse(this, problem.type.responseType, {
        restApi: props.api,
        type: problem.type,
        statusCode: String(problem.status),
        // Header values are mapping expressions: a literal is quoted.
        responseHeaders: {
          ...Object.fromEntries(Object.entries(props.headers ?? {}).map(([name, value]) => [name, `'${value}'`])),
          'Content-Type': "'application/problem+json'",
          ...(problem.status === 401 ? { 'WWW-Authenticate': "'Bearer'" } : {}),
        },
        templates: { 'application/json': `{${body.join(',')}}` },
      });
    }
  }
}
