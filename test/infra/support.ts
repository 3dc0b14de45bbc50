import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuiltApp } from '../../infra/build-app.js';

export interface TestApp extends BuiltApp {
  readonly outdir: string;
  readonly statefulTemplate: Template;
  readonly apiTemplate: Template;
  readonly cleanup: () => void;
}

/**
 * Builds the real app (Jönköping unless asked for another municipality, default region) into a temporary cloud assembly. CloudFormation schema
 * validation is off unless asked for (synth.test.ts runs it); cdk-nag always runs.
 */
export function buildTestApp(options: { cloudFormationValidation?: boolean; municipalityId?: string } = {}): TestApp {
  const outdir = mkdtempSync(path.join(tmpdir(), 'infra-test-'));
  const region = process.env.CDK_DEFAULT_REGION;
  delete process.env.CDK_DEFAULT_REGION;
  try {
    const built = buildApp({ outdir, municipalityId: options.municipalityId ?? 'jonkoping', cloudFormationValidation: options.cloudFormationValidation ?? false });
    return {
      ...built,
      outdir,
      // Synthesizes the app, so cdk-nag runs too: an unacknowledged finding throws here.
      statefulTemplate: Template.fromStack(built.stateful),
      apiTemplate: Template.fromStack(built.api),
      cleanup: () => rmSync(outdir, { recursive: true, force: true }),
    };
  } finally {
    if (region !== undefined) process.env.CDK_DEFAULT_REGION = region;
  }
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

export function resources(template: Template, type?: string): Resources {
  const all = template.toJSON().Resources as Resources;
  return type ? Object.fromEntries(Object.entries(all).filter(([, r]) => r.Type === type)) : all;
}

/**
 * The methods of the REST API by `"<METHOD> <path>"`, e.g. `"GET /cases/{caseId}"`, with the resource
 * path rebuilt from the template's ParentId chain.
 */
export function methodsByRoute(template: Template): Map<string, { logicalId: string; properties: Record<string, unknown> }> {
  const apiResources = resources(template, 'AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const logicalId = (ref as { Ref?: string }).Ref;
    if (!logicalId) return ''; // Fn::GetAtt RestApi.RootResourceId
    const resource = apiResources[logicalId];
    if (!resource?.Properties) throw new Error(`no API resource ${logicalId}`);
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart as string}`;
  };
  const methods = new Map<string, { logicalId: string; properties: Record<string, unknown> }>();
  for (const [logicalId, method] of Object.entries(resources(template, 'AWS::ApiGateway::Method'))) {
    const properties = method.Properties ?? {};
    const resourcePath = pathOf(properties.ResourceId) || '/';
    methods.set(`${properties.HttpMethod as string} ${resourcePath}`, { logicalId, properties });
  }
  return methods;
}

/** The logical id of the Lambda function a proxy method integrates with. */
export function integratedFunction(method: Record<string, unknown>): string {
  const integration = method.Integration as { Type: string; Uri: { 'Fn::Join': [string, unknown[]] } };
  const getAtt = integration.Uri['Fn::Join'][1].find((part) => typeof part === 'object' && part !== null && 'Fn::GetAtt' in part) as
    | { 'Fn::GetAtt': [string, string] }
    | undefined;
  if (!getAtt) throw new Error('not a Lambda integration');
  return getAtt['Fn::GetAtt'][0];
}

/** The logical id of the resource of `type` whose construct path is `constructPath`. */
export function logicalIdByPath(template: Template, type: string, constructPath: string): string {
  const match = Object.entries(resources(template, type)).find(([, r]) => r.Metadata?.['aws:cdk:path'] === constructPath);
  if (!match) throw new Error(`no ${type} at ${constructPath}`);
  return match[0];
}
