import type { CfnTemplate, StackTemplate } from '../../../local/template.js';

/** A stack of a hand-written template, as `readCloudAssembly` would give it. */
export function stack(stackName: string, template: CfnTemplate): StackTemplate {
  return { stackName, artifactId: stackName, template, assemblyDir: '/nonexistent', assetDirs: new Map() };
}

const lambdaUri = (functionLogicalId: string): unknown => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':apigateway:',
      { Ref: 'AWS::Region' },
      ':lambda:path/2015-03-31/functions/',
      { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
      '/invocations',
    ],
  ],
});

const resource = (parent: unknown, pathPart: string) => ({
  Type: 'AWS::ApiGateway::Resource',
  Properties: { ParentId: parent, PathPart: pathPart, RestApiId: { Ref: 'Api' } },
});

const method = (resourceId: unknown, httpMethod: string, functionLogicalId: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::ApiGateway::Method',
  Properties: {
    HttpMethod: httpMethod,
    ResourceId: resourceId,
    RestApiId: { Ref: 'Api' },
    AuthorizationType: 'NONE',
    Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: lambdaUri(functionLogicalId) },
    ...extra,
  },
});

const root = { 'Fn::GetAtt': ['Api', 'RootResourceId'] };

/**
 * A REST API the way the CDK synthesizes one: `/health` GET, `/cases` (only a container),
 * `/cases/mine` GET, `/cases/{caseId}` GET + ANY with the Cognito authorizer on GET, `/files/{key+}` GET,
 * the catch-all `/{proxy+}` ANY and `/` ANY, a CORS preflight (MOCK) on `/health`, and a gateway response.
 */
export const apiTemplate: CfnTemplate = {
  Resources: {
    Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'test-api', BinaryMediaTypes: ['image/*', 'multipart~1form-data'] } },
    Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, StageName: 'v1' } },
    PlatformFn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'platform', Runtime: 'nodejs22.x', Handler: 'index.handler' } },
    CasesFn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', Timeout: 10 } },
    Authorizer: {
      Type: 'AWS::ApiGateway::Authorizer',
      Properties: {
        RestApiId: { Ref: 'Api' },
        Type: 'COGNITO_USER_POOLS',
        IdentitySource: 'method.request.header.Authorization',
        ProviderARNs: [{ 'Fn::GetAtt': ['Pool', 'Arn'] }],
      },
    },
    Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} },
    Health: resource(root, 'health'),
    HealthGet: method({ Ref: 'Health' }, 'GET', 'PlatformFn'),
    HealthOptions: {
      Type: 'AWS::ApiGateway::Method',
      Properties: {
        HttpMethod: 'OPTIONS',
        ResourceId: { Ref: 'Health' },
        RestApiId: { Ref: 'Api' },
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'MOCK',
          RequestTemplates: { 'application/json': '{ statusCode: 200 }' },
          IntegrationResponses: [
            {
              StatusCode: '204',
              ResponseParameters: {
                'method.response.header.Access-Control-Allow-Origin': "'*'",
                'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
              },
            },
          ],
        },
      },
    },
    Cases: resource(root, 'cases'),
    CasesMine: resource({ Ref: 'Cases' }, 'mine'),
    CasesMineGet: method({ Ref: 'CasesMine' }, 'GET', 'CasesFn'),
    // Declared before its parent on purpose: the tree must not depend on template order.
    CaseIdGet: method({ Ref: 'CaseId' }, 'GET', 'CasesFn', { AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: 'Authorizer' } }),
    CaseIdAny: method({ Ref: 'CaseId' }, 'ANY', 'CasesFn'),
    CaseId: resource({ Ref: 'Cases' }, '{caseId}'),
    Files: resource(root, 'files'),
    FilesKey: resource({ Ref: 'Files' }, '{key+}'),
    FilesKeyGet: method({ Ref: 'FilesKey' }, 'GET', 'CasesFn'),
    Proxy: resource(root, '{proxy+}'),
    ProxyAny: method({ Ref: 'Proxy' }, 'ANY', 'PlatformFn'),
    RootAny: method(root, 'ANY', 'PlatformFn'),
    Unauthorized: {
      Type: 'AWS::ApiGateway::GatewayResponse',
      Properties: {
        RestApiId: { Ref: 'Api' },
        ResponseType: 'UNAUTHORIZED',
        StatusCode: '401',
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
        ResponseTemplates: { 'application/json': '{"title":"Inloggning krävs","correlationId":"$context.requestId"}' },
      },
    },
  },
};
