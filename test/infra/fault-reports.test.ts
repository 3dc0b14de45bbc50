import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultReportsRoutes } from '../../schemas/fault-reports.js';
import { buildTestApp, integratedFunction, logicalIdByPath, methodsByRoute, resources, type TestApp } from './support.js';

const FUNCTION_PATH = 'Api/FaultReports/Function/Resource/Resource';

describe('FaultReportsService', () => {
  let built: TestApp;
  let template: Template;
  let functionId: string;
  let methods: ReturnType<typeof methodsByRoute>;
  beforeAll(() => {
    built = buildTestApp();
    template = built.apiTemplate;
    functionId = logicalIdByPath(template, 'AWS::Lambda::Function', FUNCTION_PATH);
    methods = methodsByRoute(template);
  });
  afterAll(() => built.cleanup());

  it('serves every Open311, map and fault report route from its function, `{file}` for `<id>.json|.xml`', () => {
    for (const route of faultReportsRoutes) {
      const method = methods.get(`${route.method} ${route.path}`);
      expect(method, `${route.method} ${route.path}`).toBeDefined();
      expect(integratedFunction(method!.properties)).toBe(functionId);
    }
    for (const path of ['/open311/v2/services.json', '/open311/v2/services.xml', '/open311/v2/services/{file}', '/open311/v2/requests/{file}', '/open311/v2/tokens/{file}', '/map/reports.geojson']) {
      expect(methods.has(`GET ${path}`), path).toBe(true);
    }
    expect(methods.get('GET /open311/v2/requests/{file}')!.properties.RequestParameters).toEqual({ 'method.request.path.file': true });
  });

  it("guards the officers' status route with the Cognito authorizer, and leaves Open311 to the function's API key check", () => {
    const authorizerId = logicalIdByPath(template, 'AWS::ApiGateway::Authorizer', 'Api/Authorizer/Resource');
    expect(methods.get('POST /fault-reports/{caseId}/status')!.properties).toMatchObject({ AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizerId } });
    for (const key of ['POST /open311/v2/requests.json', 'GET /open311/v2/requests.json', 'GET /map/reports.geojson', 'POST /fault-reports/{caseId}/unsubscribe/{subscriptionId}']) {
      expect(methods.get(key)!.properties.AuthorizationType, key).toBe('NONE');
    }
  });

  it('runs with the table, the attachments bucket and the token settings in its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Open311'),
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { 'Fn::ImportValue': Match.stringLikeRegexp('Table') },
          ATTACHMENTS_BUCKET: { 'Fn::ImportValue': Match.stringLikeRegexp('AttachmentsBucket') },
          TOKEN_ISSUER: Match.anyValue(),
          TOKEN_AUDIENCE: Match.anyValue(),
        }),
      },
    });
  });

  it('grants table read/write, sending mail as the municipality, and reading photos under cases/ only', () => {
    const roleId = logicalIdByPath(template, 'AWS::IAM::Role', 'Api/FaultReports/Function/ServiceRole/Resource');
    const policy = Object.values(resources(template, 'AWS::IAM::Policy')).find((p) => (p.Properties?.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })));
    const statements = (policy!.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'kms:Decrypt', 'ses:SendEmail', 's3:GetObject*']));
    expect(actions.filter((a) => /^s3:(Put|Delete)/.test(a))).toEqual([]);
    const s3Statement = statements.find((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]).includes('s3:GetObject*'))!;
    expect(JSON.stringify(s3Statement.Resource)).toContain('/cases/*');
    expect(JSON.stringify(statements)).toContain(':identity/jonkoping.se');
  });
});
