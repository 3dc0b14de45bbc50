import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formCatalogue } from '../../../schemas/forms/index.js';
import { municipalitySchema } from '../../../schemas/municipality.js';
import { answersJsonSchema, formDocument, secretPaths } from '../../../functions/forms/form-documents.js';
import { validAnswers } from '../../events/answers.js';

const municipality = municipalitySchema.parse(JSON.parse(readFileSync('config/municipalities/jonkoping.json', 'utf8')));

/** Every leaf field of a JSON Schema with its path. */
function fields(schema: Record<string, unknown>, path: string[] = []): { path: string; schema: Record<string, unknown> }[] {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties) return [{ path: path.join('.'), schema }];
  return [{ path: path.join('.'), schema }, ...Object.entries(properties).flatMap(([k, v]) => fields(v, [...path, k]))];
}

describe.each(formCatalogue.map((f) => [f.formId, f] as const))('form %s', (formId, form) => {
  it('accepts its example answers', () => {
    const result = form.schema.safeParse(validAnswers[formId as keyof typeof validAnswers]);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('fails when a field is unknown or a required field is missing', () => {
    expect(form.schema.safeParse({ ...validAnswers[formId as keyof typeof validAnswers], extra: 1 }).success).toBe(false);
    expect(form.schema.safeParse({}).success).toBe(false);
  });

  it('routes to a department of the municipality', () => {
    expect(municipality.departments.map((d) => d.id)).toContain(form.departmentId);
  });

  it('labels every field in Swedish and English', () => {
    const unlabelled = fields(answersJsonSchema(form))
      .filter((f) => f.path !== '')
      .filter((f) => {
        const labels = f.schema['x-labels'] as { sv?: string; en?: string } | undefined;
        return !labels?.sv || !labels.en;
      })
      .map((f) => f.path);
    expect(unlabelled).toEqual([]);
  });

  it('is published with its JSON Schema and department', () => {
    const document = formDocument(form, municipality);
    expect(document.schema).toMatchObject({ type: 'object', additionalProperties: false });
    expect(document.department.name.sv).not.toBe('');
  });
});

describe('secret fields', () => {
  it('finds the fields marked x-secret', () => {
    const byForm = Object.fromEntries(formCatalogue.map((f) => [f.formId, secretPaths(answersJsonSchema(f))]));
    expect(byForm).toEqual({
      parkeringstillstand: ['applicant.personnummer', 'disability'],
      synpunkt: [],
      varmepump: ['owner.identityNumber'],
    });
  });
});

describe('form rules', () => {
  it('fails when a bedrock heat pump has no borehole', () => {
    const answers = { ...validAnswers.varmepump, boreholes: 0 };
    expect(formCatalogue[2]!.schema.safeParse(answers).success).toBe(false);
  });

  it('fails when an answer is wanted but no contact details are given', () => {
    const { contact: _contact, ...answers } = validAnswers.synpunkt;
    expect(formCatalogue[1]!.schema.safeParse(answers).success).toBe(false);
    expect(formCatalogue[1]!.schema.safeParse({ ...answers, wantsAnswer: false }).success).toBe(true);
  });
});
