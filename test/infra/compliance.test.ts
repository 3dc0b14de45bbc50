import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { addComplianceChecks, buildApp } from '../../infra/build-app.js';
import { acknowledgeTableGrant } from '../../infra/constructs/nag.js';
import { loadMunicipality } from '../../infra/municipality.js';

/** An app with the platform's cdk-nag setup and no CloudFormation schema check (speed). */
function nagApp(): App {
  const app = new App({ builtinCloudFormationValidation: false });
  addComplianceChecks(app);
  return app;
}

describe('cdk-nag as a validation plugin', () => {
  it('fails when a finding is not acknowledged', () => {
    // Prepare: a bucket with none of the platform's protections.
    const app = nagApp();
    new Bucket(new Stack(app, 'Careless'), 'Bucket');
    // Act, Assess
    expect(() => app.synth()).toThrow(/AwsSolutions-S1[\s\S]*AwsSolutions-S10|AwsSolutions-S10[\s\S]*AwsSolutions-S1/);
  });

  it('passes when every finding is acknowledged with a reason', () => {
    const app = nagApp();
    const bucket = new Bucket(new Stack(app, 'Acknowledged'), 'Bucket');
    Validations.of(bucket).acknowledge(
      { id: 'AwsSolutions-S1', reason: 'test: no access logs' },
      { id: 'AwsSolutions-S10', reason: 'test: no TLS-only policy' },
    );
    expect(() => app.synth()).not.toThrow();
  });

  it('fails when a cross-stack table grant is not acknowledged, and passes with acknowledgeTableGrant', () => {
    const grant = (acknowledge: boolean) => {
      const app = nagApp();
      const data = new Stack(app, 'Data');
      const table = new Table(data, 'Table', { partitionKey: { name: 'pk', type: AttributeType.STRING }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } });
      table.addGlobalSecondaryIndex({ indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: AttributeType.STRING } });
      const role = new Role(new Stack(app, 'Service'), 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      table.grantReadData(role);
      if (acknowledge) acknowledgeTableGrant(role, table.tableArn);
      return () => app.synth();
    };
    // The index wildcard of a table in another stack is spelled with its generated export name.
    expect(grant(false)).toThrow(/AwsSolutions-IAM5\[Resource::Data:ExportsOutputFnGetAttTable[A-Za-z0-9]+Arn[A-Za-z0-9]+\/index\/\*\]/);
    expect(grant(true)).not.toThrow();
  });
});

describe('buildApp', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('fails when the municipality has no configuration file', () => {
    expect(() => buildApp({ municipalityId: 'nowhere' })).toThrow(/No configuration for municipality "nowhere"/);
  });

  it('fails when the municipality id is not a valid id', () => {
    expect(() => buildApp({ municipalityId: '../jonkoping' })).toThrow(/Invalid municipality id/);
  });

  it('fails when the configuration is invalid, naming the fields', () => {
    // Prepare
    const root = mkdtempSync(path.join(tmpdir(), 'municipality-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'config', 'municipalities'), { recursive: true });
    writeFileSync(
      path.join(root, 'config', 'municipalities', 'broken.json'),
      JSON.stringify({ id: 'broken', name: { sv: 'Trasig' }, code: '12', publicBaseUrl: 'not a url', departments: [] }),
    );
    // Act, Assess
    expect(() => loadMunicipality('broken', root)).toThrow(/broken\.json is not a valid municipality configuration:[\s\S]*code[\s\S]*publicBaseUrl/);
  });

  it('fails when the configuration declares another id than its file name', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'municipality-'));
    dirs.push(root);
    mkdirSync(path.join(root, 'config', 'municipalities'), { recursive: true });
    const jonkoping = loadMunicipality('jonkoping');
    writeFileSync(path.join(root, 'config', 'municipalities', 'other.json'), JSON.stringify(jonkoping));
    expect(() => loadMunicipality('other', root)).toThrow(/declares id "jonkoping"/);
  });

  it('chooses the municipality by option, then MUNICIPALITY, then context', () => {
    const saved = process.env.MUNICIPALITY;
    try {
      process.env.MUNICIPALITY = 'from-env';
      expect(() => buildApp({ context: { municipality: 'from-context' } })).toThrow(/"from-env"/);
      expect(() => buildApp({ municipalityId: 'from-option', context: { municipality: 'from-context' } })).toThrow(/"from-option"/);
      delete process.env.MUNICIPALITY;
      expect(() => buildApp({ context: { municipality: 'from-context' } })).toThrow(/"from-context"/);
    } finally {
      if (saved === undefined) delete process.env.MUNICIPALITY;
      else process.env.MUNICIPALITY = saved;
    }
  });
});
