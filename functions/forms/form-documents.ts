import * as z from 'zod';
import type { FormDeclaration, FormDocument, FormSummary } from '../../schemas/forms/index.js';
import type { Municipality } from '../../schemas/municipality.js';
import { departmentById } from '../shared/config.js';

export function formSummary(form: FormDeclaration, municipality: Municipality): FormSummary {
  const department = departmentById(municipality, form.departmentId);
  return {
    formId: form.formId,
    version: form.version,
    title: { sv: form.title.sv, en: form.title.en },
    description: { sv: form.description.sv, en: form.description.en },
    department: { id: department.id, name: { sv: department.name.sv, en: department.name.en } },
  };
}

/** The JSON Schema residents fill in: the input side of the zod schema, with its labels. */
export function answersJsonSchema(form: FormDeclaration): Record<string, unknown> {
  return z.toJSONSchema(form.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

export function formDocument(form: FormDeclaration, municipality: Municipality): FormDocument {
  return {
    ...formSummary(form, municipality),
    schema: answersJsonSchema(form),
    ...(form.attachmentsHint ? { attachmentsHint: { sv: form.attachmentsHint.sv, en: form.attachmentsHint.en } } : {}),
  };
}

/** Dotted paths of the fields marked `x-secret` in a JSON Schema (objects, unions and optional wrappers). */
export function secretPaths(schema: Record<string, unknown>, prefix: string[] = []): string[] {
  if (schema['x-secret'] === true) return [prefix.join('.')];
  const found: string[] = [];
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [name, child] of Object.entries(properties ?? {})) found.push(...secretPaths(child, [...prefix, name]));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const child of (schema[key] as Record<string, unknown>[] | undefined) ?? []) found.push(...secretPaths(child, prefix));
  }
  return [...new Set(found)];
}
