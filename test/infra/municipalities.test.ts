import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFormsHaveDepartments, loadMunicipality } from '../../infra/municipality.js';
import { formCatalogue } from '../../schemas/forms/index.js';
import { buildTestApp, resources, type TestApp } from './support.js';

// Another municipality is another configuration file: the same code synthesizes its platform.
describe('a second municipality (config/municipalities/habo.json)', () => {
  let app: TestApp;
  const habo = loadMunicipality('habo');
  beforeAll(() => {
    app = buildTestApp({ municipalityId: 'habo' });
  });
  afterAll(() => app.cleanup());

  it('gets stacks of its own', () => {
    expect([app.stateful.stackName, app.api.stackName]).toEqual(['eservices-habo-stateful', 'eservices-habo-api']);
  });

  it('gets one Cognito group per department of its own configuration', () => {
    for (const department of habo.departments) {
      app.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: department.id });
    }
  });

  it('gives its functions its public URL and bundles its configuration beside them', () => {
    const functions = Object.values(resources(app.apiTemplate, 'AWS::Lambda::Function')).filter((f) => f.Metadata?.['aws:asset:path']);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Environment: { Variables: { PUBLIC_BASE_URL: habo.publicBaseUrl, MUNICIPALITY_ID: 'habo' } } });
      const bundled = JSON.parse(readFileSync(path.join(app.outdir, String(fn.Metadata!['aws:asset:path']), 'municipality.json'), 'utf8'));
      expect(bundled).toMatchObject({ id: 'habo', name: { sv: 'Habo kommun' } });
    }
    app.apiTemplate.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ MUNICIPALITY_ID: 'habo' }) } });
  });
});

describe('assertFormsHaveDepartments', () => {
  it('fails when a form is routed to a department the municipality lacks', () => {
    const habo = loadMunicipality('habo');
    const withoutTekniska = { ...habo, departments: habo.departments.filter((d) => d.id !== 'tekniska') };
    expect(() => assertFormsHaveDepartments(withoutTekniska, formCatalogue)).toThrow(/form parkeringstillstand needs department "tekniska"/);
    expect(() => assertFormsHaveDepartments(habo, formCatalogue)).not.toThrow();
  });
});
