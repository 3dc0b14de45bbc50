import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { OAuthScope, UserPoolClient, type IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { API_THROTTLE, rateLimitHeaders } from '../schemas/api.js';
import type { Municipality } from '../schemas/municipality.js';
import { ApiFirewall } from './constructs/api-firewall.js';
import { ProblemResponses } from './constructs/problem-responses.js';
import { CasesService } from './services/cases-service.js';
import { FaultReportsService } from './services/fault-reports-service.js';
import { FormsService } from './services/forms-service.js';
import { PermitsService } from './services/permits-service.js';
import { PlatformService } from './services/platform-service.js';

/** The stage every route is under: `https://<api>/v1/...`. */
export const API_STAGE_NAME = 'v1';

export interface ApiStackProps extends StackProps {
  readonly municipality: Municipality;
  readonly table: ITable;
  readonly attachmentsBucket: IBucket;
  /** The Object Lock archive bucket (decision letters). */
  readonly archiveBucket: IBucket;
  readonly userPool: IUserPool;
  /** Steady requests per second for the whole stage, across all clients. @default API_THROTTLE.ratePerSecond (50) */
  readonly throttlingRateLimit?: number;
  /** Requests the stage accepts in a burst above the steady rate. @default API_THROTTLE.burst (100) */
  readonly throttlingBurstLimit?: number;
  /** Requests one client IP may make in 5 minutes before WAF blocks it. @default 1000 */
  readonly rateLimitPerIp?: number;
  /** @default RetentionDays.ONE_YEAR */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The public HTTP API: REST API with WAF, access logs, problem+json gateway errors, the Cognito
 * authorizer, and one construct per e-service whose routes come from `schemas/index.ts`.
 */
export class ApiStack extends Stack {
  readonly api: RestApi;
  readonly userPoolClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { municipality, userPool } = props;

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new RestApi(this, 'RestApi', {
      restApiName: `eservices-${municipality.id}`,
      description: `E-services of ${municipality.name.en}`,
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Execution logs (errors) need API Gateway's account-wide CloudWatch role; it is retained because
      // it is a per-region account setting that other APIs may use too.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: API_STAGE_NAME,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            extendedRequestId: '$context.extendedRequestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            errorType: '$context.error.responseType',
            wafStatus: '$context.waf.status',
            authorizerError: '$context.authorizer.error',
            xrayTraceId: '$context.xrayTraceId',
          }),
        ),
        tracingEnabled: true,
        metricsEnabled: true,
        // Errors only, and never request or response bodies: they carry personal data.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        // Stage-wide limits, sized for one municipality's peak (a form campaign); WAF limits each IP. The
        // same numbers are reported in every answer's RateLimit-* headers (schemas/api.ts).
        throttlingRateLimit: props.throttlingRateLimit ?? API_THROTTLE.ratePerSecond,
        throttlingBurstLimit: props.throttlingBurstLimit ?? API_THROTTLE.burst,
      },
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-level logging role needs exactly this AWS managed policy; the service writes to log groups it names itself, so no narrower customer policy can be written in advance.",
      });
    }

    new ProblemResponses(this, 'ProblemResponses', {
      api: this.api,
      problemTypeBase: municipality.publicBaseUrl,
      // The same headers as the functions' answers (functions/shared/http.ts), so that the municipality's
      // web forms can read a gateway error too.
      headers: {
        ...rateLimitHeaders,
        'Access-Control-Allow-Origin': new URL(municipality.publicBaseUrl).origin,
        Vary: 'Origin',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      },
    });
    new ApiFirewall(this, 'Firewall', {
      stage: this.api.deploymentStage,
      rateLimitPerIp: props.rateLimitPerIp,
      metricPrefix: `eservices-${municipality.id}`,
    });

    const requestValidator = new RequestValidator(this, 'RequestValidator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    this.userPoolClient = new UserPoolClient(this, 'UserPoolClient', {
      userPool,
      // A public client (browser and app): no secret; tokens come from the hosted sign-in with PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [municipality.publicBaseUrl],
        logoutUrls: [municipality.publicBaseUrl],
      },
    });
    // Validates the pool's ID tokens (no OAuth scopes on the methods), the same tokens the functions verify.
    const authorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [userPool],
      identitySource: 'method.request.header.Authorization',
    });

    // The sender domain is verified in SES by operations (DKIM records live in the municipality's DNS).
    const mailIdentity = EmailIdentity.fromEmailIdentityName(this, 'MailFromIdentity', mailDomain(municipality.mailFrom));

    new PlatformService(this, 'Platform', { api: this.api, requestValidator, municipality });
    // What every e-service construct gets; each adds its own buckets.
    const service = {
      api: this.api,
      requestValidator,
      authorizer,
      municipality,
      table: props.table,
      userPool,
      userPoolClient: this.userPoolClient,
      mailIdentity,
    };
    new FormsService(this, 'Forms', service);
    new CasesService(this, 'Cases', { ...service, attachmentsBucket: props.attachmentsBucket });
    new PermitsService(this, 'Permits', { ...service, archiveBucket: props.archiveBucket });
    new FaultReportsService(this, 'FaultReports', { ...service, attachmentsBucket: props.attachmentsBucket });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the public API (stage v1)' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId, description: 'Cognito app client (audience of ID tokens)' });
  }
}

function mailDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
