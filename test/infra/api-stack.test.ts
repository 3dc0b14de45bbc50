import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_STAGE_NAME } from '../../infra/api-stack.js';
import { GATEWAY_PROBLEMS } from '../../infra/constructs/problem-responses.js';
import { SERVICE_RUNTIME } from '../../infra/constructs/service-function.js';
import { API_THROTTLE } from '../../schemas/api.js';
import { routesByService, type ServiceName } from '../../schemas/index.js';
import { buildTestApp, integratedFunction, logicalIdByPath, methodsByRoute, resources, type TestApp } from './support.js';

const FUNCTION_PATHS: Record<ServiceName, string> = {
  platform: 'Api/Platform/Function/Resource/Resource',
  forms: 'Api/Forms/Function/Resource/Resource',
  cases: 'Api/Cases/Function/Resource/Resource',
  faultReports: 'Api/FaultReports/Function/Resource/Resource',
  permits: 'Api/Permits/Function/Resource/Resource',
};
const ATTACHMENTS_FUNCTION_PATH = 'Api/Cases/AttachmentsFunction/Resource/Resource';
const PERMIT_WORKFLOW_FUNCTION_PATH = 'Api/Permits/WorkflowFunction/Resource/Resource';

const allRoutes = (Object.keys(routesByService) as ServiceName[]).flatMap((service) =>
  routesByService[service].map((route) => ({ service, route })),
);

/** Every acknowledgement in the tree: construct path, rule id, reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason }))),
  );
}

describe('ApiStack', () => {
  let built: TestApp;
  let template: Template;
  let methods: ReturnType<typeof methodsByRoute>;
  let authorizerId: string;
  let functionIds: Record<ServiceName, string>;
  beforeAll(() => {
    built = buildTestApp();
    template = built.apiTemplate;
    methods = methodsByRoute(template);
    authorizerId = logicalIdByPath(template, 'AWS::ApiGateway::Authorizer', 'Api/Authorizer/Resource');
    functionIds = {
      platform: logicalIdByPath(template, 'AWS::Lambda::Function', FUNCTION_PATHS.platform),
      forms: logicalIdByPath(template, 'AWS::Lambda::Function', FUNCTION_PATHS.forms),
      cases: logicalIdByPath(template, 'AWS::Lambda::Function', FUNCTION_PATHS.cases),
      faultReports: logicalIdByPath(template, 'AWS::Lambda::Function', FUNCTION_PATHS.faultReports),
      permits: logicalIdByPath(template, 'AWS::Lambda::Function', FUNCTION_PATHS.permits),
    };
  });
  afterAll(() => built.cleanup());

  describe('routes from schemas/index.ts', () => {
    it.each(allRoutes.filter(({ route }) => route.auth === 'required').map(({ service, route }) => [`${route.method} ${route.path}`, service]))(
      '%s requires the Cognito authorizer',
      (key) => {
        const method = methods.get(key);
        expect(method, key).toBeDefined();
        expect(method?.properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
      },
    );

    it.each(allRoutes.filter(({ route }) => route.auth !== 'required').map(({ service, route }) => [`${route.method} ${route.path}`, route.auth, service]))(
      '%s (%s) has no API Gateway authorizer',
      (key) => {
        const method = methods.get(key);
        expect(method, key).toBeDefined();
        expect(method?.properties.AuthorizationType).toBe('NONE');
        expect(method?.properties.AuthorizerId).toBeUndefined();
      },
    );

    it.each(allRoutes.map(({ service, route }) => [`${route.method} ${route.path}`, service] as const))(
      '%s is a proxy integration of the %s function with validated parameters',
      (key, service) => {
        const method = methods.get(key);
        expect(method).toBeDefined();
        const properties = method?.properties ?? {};
        expect(properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
        expect(integratedFunction(properties)).toBe(functionIds[service]);
        expect(properties.RequestValidatorId).toBeDefined();
        const routePath = key.slice(key.indexOf(' ') + 1);
        const expected = Object.fromEntries([...routePath.matchAll(/\{(\w+)\}/g)].map((m) => [`method.request.path.${m[1]}`, true]));
        expect(properties.RequestParameters ?? {}).toEqual(expected);
      },
    );

    it('gives every route resource a public ANY to its function, so that the router answers 405', () => {
      for (const { service, route } of allRoutes) {
        const method = methods.get(`ANY ${route.path}`);
        expect(method, `ANY ${route.path}`).toBeDefined();
        expect(method?.properties.AuthorizationType).toBe('NONE');
        expect(integratedFunction(method?.properties ?? {})).toBe(functionIds[service]);
      }
    });

    it('sends every unknown route to the platform function (ANY / and ANY /{proxy+})', () => {
      for (const key of ['ANY /', 'ANY /{proxy+}']) {
        const method = methods.get(key);
        expect(method, key).toBeDefined();
        expect(method?.properties.AuthorizationType).toBe('NONE');
        expect(integratedFunction(method?.properties ?? {})).toBe(functionIds.platform);
      }
      expect(methods.get('ANY /{proxy+}')?.properties.RequestParameters).toEqual({ 'method.request.path.proxy': true });
    });

    it('has no method that the route declarations do not explain', () => {
      const declared = new Set(allRoutes.flatMap(({ route }) => [`${route.method} ${route.path}`, `ANY ${route.path}`]));
      declared.add('ANY /');
      declared.add('ANY /{proxy+}');
      expect([...methods.keys()].sort()).toEqual([...declared].sort());
    });

    it('validates parameters and body on every method', () => {
      const validatorId = Object.keys(resources(template, 'AWS::ApiGateway::RequestValidator'))[0];
      template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
      for (const [key, method] of methods) expect(method.properties.RequestValidatorId, key).toEqual({ Ref: validatorId });
    });

    it('authorizes with the user pool on the Authorization header', () => {
      template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'COGNITO_USER_POOLS',
        IdentitySource: 'method.request.header.Authorization',
        ProviderARNs: [{ 'Fn::ImportValue': Match.stringLikeRegexp('UserPool.*Arn') }],
      });
    });
  });

  describe('REST API and stage', () => {
    it('is regional', () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    });

    it('has stage v1 with JSON access logs, X-Ray, metrics, error logs and the documented throttling', () => {
      const accessLogsId = logicalIdByPath(template, 'AWS::Logs::LogGroup', 'Api/AccessLogs/Resource');
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: API_STAGE_NAME,
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ Ref: accessLogsId }])] }),
          Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId', status: '$context.status' })),
        },
        MethodSettings: [
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            MetricsEnabled: true,
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
            ThrottlingRateLimit: API_THROTTLE.ratePerSecond,
            ThrottlingBurstLimit: API_THROTTLE.burst,
          }),
        ],
      });
    });

    it('associates a regional WAF web ACL with managed rules and a per-IP rate limit to the stage', () => {
      const webAclId = logicalIdByPath(template, 'AWS::WAFv2::WebACL', 'Api/Firewall/Resource');
      const restApiId = logicalIdByPath(template, 'AWS::ApiGateway::RestApi', 'Api/RestApi/Resource');
      template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        DefaultAction: { Allow: {} },
        Rules: Match.arrayWith([
          Match.objectLike({ Action: { Block: {} }, Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP' }) } }),
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: {
                VendorName: 'AWS',
                Name: 'AWSManagedRulesCommonRuleSet',
                RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
              },
            },
          }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
          Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' } } }),
        ]),
      });
      const stageId = logicalIdByPath(template, 'AWS::ApiGateway::Stage', `Api/RestApi/DeploymentStage.${API_STAGE_NAME}/Resource`);
      template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
        WebACLArn: { 'Fn::GetAtt': [webAclId, 'Arn'] },
        ResourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: restApiId }, '/stages/', { Ref: stageId }])] },
      });
    });

    it.each(GATEWAY_PROBLEMS.map((p) => [p.type.responseType, p.status] as const))(
      'answers %s as problem+json with status %i',
      (responseType, status) => {
        const [response] = Object.values(resources(template, 'AWS::ApiGateway::GatewayResponse')).filter(
          (r) => r.Properties?.ResponseType === responseType,
        );
        expect(response?.Properties).toMatchObject({
          StatusCode: String(status),
          ResponseParameters: expect.objectContaining({
            'gatewayresponse.header.Content-Type': "'application/problem+json'",
            'gatewayresponse.header.Access-Control-Allow-Origin': "'https://etjanster.jonkoping.se'",
          }),
        });
        // The template is VTL: give $context.error.messageString (a JSON string) a value to parse it.
        const vtl = (response?.Properties?.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
        const body = JSON.parse(vtl.replace('$context.error.messageString', '"detail"')) as Record<string, unknown>;
        expect(body).toMatchObject({ type: expect.stringMatching(/^https:\/\/etjanster\.jonkoping\.se\/problems\//), title: expect.any(String), status });
        if (status >= 500) expect(body.detail).toBeUndefined();
      },
    );

    it('covers the gateway errors the API contract names', () => {
      const types = new Map(GATEWAY_PROBLEMS.map((p) => [p.type.responseType, p.status]));
      expect(Object.fromEntries(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED', 'MISSING_AUTHENTICATION_TOKEN', 'THROTTLED', 'REQUEST_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'BAD_REQUEST_PARAMETERS', 'BAD_REQUEST_BODY'].map((t) => [t, types.get(t)]))).toEqual({
        DEFAULT_4XX: 400,
        DEFAULT_5XX: 500,
        UNAUTHORIZED: 401,
        ACCESS_DENIED: 403,
        MISSING_AUTHENTICATION_TOKEN: 404,
        THROTTLED: 429,
        REQUEST_TOO_LARGE: 413,
        UNSUPPORTED_MEDIA_TYPE: 415,
        BAD_REQUEST_PARAMETERS: 400,
        BAD_REQUEST_BODY: 400,
      });
    });

    it('has a public user pool client without a secret', () => {
      template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        CallbackURLs: ['https://etjanster.jonkoping.se'],
      });
    });

    it('outputs the API URL and the user pool client id', () => {
      template.hasOutput('ApiUrl', { Value: Match.anyValue() });
      template.hasOutput('UserPoolClientId', { Value: { Ref: logicalIdByPath(template, 'AWS::Cognito::UserPoolClient', 'Api/UserPoolClient/Resource') } });
    });
  });

  describe('functions', () => {
    // CDK's own custom-resource handler for bucket notifications is not a platform function.
    const platformFunctions = () =>
      Object.entries(resources(template, 'AWS::Lambda::Function')).filter(
        ([, fn]) => !String(fn.Metadata?.['aws:cdk:path']).includes('/BucketNotificationsHandler'),
      );

    it('runs every function on the newest Node.js, arm64, with X-Ray and JSON logs to a log group with retention', () => {
      const functions = platformFunctions();
      expect(functions.map(([, fn]) => fn.Metadata?.['aws:cdk:path']).sort()).toEqual(
        [...Object.values(FUNCTION_PATHS), ATTACHMENTS_FUNCTION_PATH, PERMIT_WORKFLOW_FUNCTION_PATH].sort(),
      );
      const logGroups = resources(template, 'AWS::Logs::LogGroup');
      for (const [id, fn] of functions) {
        expect(fn.Properties, id).toMatchObject({
          Runtime: SERVICE_RUNTIME.name,
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
          LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        });
        const logGroupId = (fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        expect(logGroups[logGroupId]?.Properties?.RetentionInDays, id).toBe(180);
        // The local runtime finds the bundle of each function here.
        expect(fn.Metadata?.['aws:asset:path'], id).toMatch(/^asset\./);
      }
    });

    it('uses its own least-privilege role per function, without AWS managed policies', () => {
      for (const [id, fn] of platformFunctions()) {
        const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        expect(resources(template, 'AWS::IAM::Role')[roleId]?.Properties?.ManagedPolicyArns, id).toBeUndefined();
      }
    });

    it('sets retention on every log group of both stacks', () => {
      for (const t of [built.statefulTemplate, template]) {
        for (const [id, logGroup] of Object.entries(resources(t, 'AWS::Logs::LogGroup'))) {
          expect(logGroup.Properties?.RetentionInDays, id).toEqual(expect.any(Number));
        }
      }
    });

    it('gives each function the environment it reads', () => {
      const env = (path: string) =>
        resources(template, 'AWS::Lambda::Function')[logicalIdByPath(template, 'AWS::Lambda::Function', path)]?.Properties?.Environment as {
          Variables: Record<string, unknown>;
        };
      const clientId = logicalIdByPath(template, 'AWS::Cognito::UserPoolClient', 'Api/UserPoolClient/Resource');
      const defaults = { NODE_OPTIONS: '--enable-source-maps', MUNICIPALITY_ID: 'jonkoping', PUBLIC_BASE_URL: 'https://etjanster.jonkoping.se', LOG_LEVEL: 'info' };
      const table = { 'Fn::ImportValue': expect.stringMatching(/ExportsOutputRefTable/) };
      const bucket = { 'Fn::ImportValue': expect.stringMatching(/ExportsOutputRefAttachmentsBucket/) };
      const issuer = ['https://cognito-idp.eu-north-1.amazonaws.com/', { 'Fn::ImportValue': expect.stringMatching(/ExportsOutputRefUserPool/) }];
      const token = {
        TOKEN_ISSUER: { 'Fn::Join': ['', issuer] },
        TOKEN_JWKS_URL: { 'Fn::Join': ['', [...issuer, '/.well-known/jwks.json']] },
        TOKEN_AUDIENCE: { Ref: clientId },
      };

      expect(env(FUNCTION_PATHS.platform).Variables).toEqual(defaults);
      expect(env(FUNCTION_PATHS.forms).Variables).toEqual({ ...defaults, TABLE_NAME: table, ...token });
      expect(env(FUNCTION_PATHS.cases).Variables).toEqual({ ...defaults, TABLE_NAME: table, ATTACHMENTS_BUCKET: bucket, ...token });
      expect(env(ATTACHMENTS_FUNCTION_PATH).Variables).toEqual({ ...defaults, TABLE_NAME: table, ATTACHMENTS_BUCKET: bucket });
    });

    it('subscribes the attachments function to objects created under cases/', () => {
      const attachmentsFunctionId = logicalIdByPath(template, 'AWS::Lambda::Function', ATTACHMENTS_FUNCTION_PATH);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { 'Fn::ImportValue': Match.stringLikeRegexp('ExportsOutputRefAttachmentsBucket') },
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'cases/' }] } },
              LambdaFunctionArn: { 'Fn::GetAtt': [attachmentsFunctionId, 'Arn'] },
            },
          ],
        },
        // Unmanaged: the bucket belongs to the stateful stack; other notifications on it are kept.
        Managed: false,
      });
    });

    const policyOf = (functionPath: string) => {
      const roleId = logicalIdByPath(template, 'AWS::IAM::Role', functionPath.replace('/Resource/Resource', '/ServiceRole/Resource'));
      const policy = Object.values(resources(template, 'AWS::IAM::Policy')).find((p) =>
        (p.Properties?.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })),
      );
      return JSON.stringify(policy?.Properties?.PolicyDocument);
    };

    it('grants through grant* only what each function needs', () => {
      const forms = policyOf(FUNCTION_PATHS.forms);
      expect(forms).toContain('dynamodb:PutItem');
      expect(forms).toContain('ses:SendEmail');
      expect(forms).toContain(':identity/jonkoping.se');
      expect(forms).not.toContain('s3:');

      const cases = policyOf(FUNCTION_PATHS.cases);
      expect(cases).toContain('dynamodb:Query');
      expect(cases).toContain('s3:PutObject');
      expect(cases).toContain('/cases/*');
      expect(cases).not.toContain('s3:DeleteObject');
      expect(cases).not.toContain('ses:');

      const attachments = policyOf(ATTACHMENTS_FUNCTION_PATH);
      expect(attachments).toContain('s3:GetObject*');
      expect(attachments).toContain('s3:DeleteObject*');
      expect(attachments).not.toContain('s3:PutObject"');

      expect(policyOf(FUNCTION_PATHS.platform)).not.toContain('dynamodb:');
    });
  });

  describe('the app', () => {
    it('synthesizes both stacks with cdk-nag reporting nothing', () => {
      const assembly = built.app.synth();
      expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['eservices-jonkoping-api', 'eservices-jonkoping-stateful']);
      const reportFile = path.join(assembly.directory, 'validation-report.json');
      if (existsSync(reportFile)) {
        const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: { violations?: unknown[] }[] };
        expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
      }
    });

    it('explains every acknowledged cdk-nag finding, on a construct narrower than a stack', () => {
      const found = acknowledgements(built.app).filter((a) => a.id.includes('AwsSolutions-'));
      expect(found.length).toBeGreaterThan(0);
      for (const a of found) {
        expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
        expect(a.path.split('/').length, `${a.path} ${a.id}`).toBeGreaterThan(1);
      }
    });
  });
});
