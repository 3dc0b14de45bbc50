import { readFileSync } from 'node:fs';
import { municipalitySchema, type Department, type Municipality } from '../../schemas/municipality.js';

/**
 * The one config module. Resource names come from environment variables that the CDK app sets; the
 * municipality configuration is the JSON file the bundle carries beside `index.mjs` (or
 * `MUNICIPALITY_FILE`, which tests use when running from source).
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

let municipality: Municipality | undefined;

export function loadMunicipality(): Municipality {
  if (!municipality) {
    const file = process.env.MUNICIPALITY_FILE ?? new URL('./municipality.json', import.meta.url);
    municipality = municipalitySchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  }
  return municipality;
}

export function departmentById(m: Municipality, departmentId: string): Department {
  const department = m.departments.find((d) => d.id === departmentId);
  if (!department) throw new Error(`department ${departmentId} is not in the municipality configuration`);
  return department;
}

/** The public base URL, without a trailing slash. Locally it is the local API's URL. */
export function publicBaseUrl(m: Municipality): string {
  return (process.env.PUBLIC_BASE_URL ?? m.publicBaseUrl).replace(/\/+$/, '');
}
