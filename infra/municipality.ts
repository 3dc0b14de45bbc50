import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { municipalitySchema, type Municipality } from '../schemas/municipality.js';

/** The repository root: bundling, lock file and config paths are resolved from here. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where a municipality's configuration lives, relative to the project root. */
export function municipalityConfigPath(municipalityId: string): string {
  return path.posix.join('config', 'municipalities', `${municipalityId}.json`);
}

/**
 * Reads `config/municipalities/<id>.json` (under `root`, the project root by default) and validates it
 * with `municipalitySchema`.
 * Throws an error that names the file and every invalid field, so a bad config stops synth early.
 */
export function loadMunicipality(municipalityId: string, root: string = projectRoot): Municipality {
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(municipalityId)) {
    throw new Error(`Invalid municipality id "${municipalityId}": use lower-case letters, digits and hyphens`);
  }
  const file = path.join(root, municipalityConfigPath(municipalityId));
  if (!existsSync(file)) {
    throw new Error(`No configuration for municipality "${municipalityId}": ${file} does not exist`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = municipalitySchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new Error(`${file} is not a valid municipality configuration:\n${issues}`);
  }
  if (parsed.data.id !== municipalityId) {
    // The functions get the file copied as municipality.json; the file name is how infra finds it.
    throw new Error(`${file} declares id "${parsed.data.id}"; it must match its file name "${municipalityId}"`);
  }
  return parsed.data;
}

/**
 * Department ids are the platform's roles (forms and workflows name them); each municipality names its
 * own department for each. Stops synth when a form is routed to a department the municipality lacks.
 */
export function assertFormsHaveDepartments(municipality: Municipality, forms: readonly { formId: string; departmentId: string }[]): void {
  const ids = new Set(municipality.departments.map((d) => d.id));
  const missing = forms.filter((f) => !ids.has(f.departmentId)).map((f) => `form ${f.formId} needs department "${f.departmentId}"`);
  if (missing.length > 0) throw new Error(`${municipality.id}: ${missing.join('; ')}; add them to config/municipalities/${municipality.id}.json`);
}
