import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_CONTEXT } from '../../infra/build-app.js';
import { SERVICE_RUNTIME, ServiceFunction } from '../../infra/constructs/service-function.js';
import { loadMunicipality, projectRoot } from '../../infra/municipality.js';
import { resources } from './support.js';

describe('ServiceFunction', () => {
  const municipality = loadMunicipality('jonkoping');
  let outdir: string;
  let template: Template;
  beforeAll(() => {
    // Prepare
    outdir = mkdtempSync(path.join(tmpdir(), 'service-function-'));
    const app = new App({ outdir, context: { ...PLATFORM_CONTEXT }, builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Test', { env: { region: 'eu-north-1' } });
    // Act
    new ServiceFunction(stack, 'Defaults', { entry: 'functions/platform/handler.ts', municipality });
    new ServiceFunction(stack, 'Custom', {
      entry: 'functions/platform/handler.ts',
      municipality,
      memorySize: 256,
      timeout: Duration.seconds(3),
      logRetention: RetentionDays.ONE_MONTH,
      environment: { TABLE_NAME: 'cases', LOG_LEVEL: 'debug' },
    });
    template = Template.fromStack(stack);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const functionAt = (id: string) => {
    const entry = Object.entries(resources(template, 'AWS::Lambda::Function')).find(([, fn]) => fn.Metadata?.['aws:cdk:path'] === `Test/${id}/Resource/Resource`);
    if (!entry) throw new Error(`no function ${id}`);
    return entry[1];
  };

  it('has the platform defaults', () => {
    expect(functionAt('Defaults').Properties).toMatchObject({
      Runtime: SERVICE_RUNTIME.name,
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON' },
      Environment: {
        Variables: { NODE_OPTIONS: '--enable-source-maps', MUNICIPALITY_ID: 'jonkoping', PUBLIC_BASE_URL: 'https://etjanster.jonkoping.se', LOG_LEVEL: 'info' },
      },
    });
    expect(Number(SERVICE_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, '$1'))).toBeGreaterThanOrEqual(22);
  });

  it("merges the caller's environment over the defaults instead of replacing them", () => {
    expect(functionAt('Custom').Properties?.Environment).toEqual({
      Variables: {
        NODE_OPTIONS: '--enable-source-maps',
        MUNICIPALITY_ID: 'jonkoping',
        PUBLIC_BASE_URL: 'https://etjanster.jonkoping.se',
        LOG_LEVEL: 'debug',
        TABLE_NAME: 'cases',
      },
    });
  });

  it('takes memory, timeout and log retention from props', () => {
    expect(functionAt('Custom').Properties).toMatchObject({ MemorySize: 256, Timeout: 3 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 180 });
  });

  it('writes logs to its own log group, with a role that may write only there', () => {
    const fn = functionAt('Defaults');
    const logGroupId = (fn.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    expect(resources(template, 'AWS::IAM::Role')[roleId]?.Properties?.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
        ]),
      },
    });
  });

  it('bundles an ESM index.mjs with a require shim, its source map and the municipality config', () => {
    const assetPath = functionAt('Defaults').Metadata?.['aws:asset:path'] as string;
    const bundle = path.join(outdir, assetPath);
    const code = readFileSync(path.join(bundle, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __platformCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    expect(existsSync(path.join(bundle, 'index.mjs.map'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(bundle, 'index.mjs.map'), 'utf8')).sourcesContent).toBeUndefined();
    expect(JSON.parse(readFileSync(path.join(bundle, 'municipality.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(path.join(projectRoot, 'config/municipalities/jonkoping.json'), 'utf8')),
    );
  });
});
