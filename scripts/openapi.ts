// Writes the OpenAPI document (`npm run openapi [-- <file>]`, default docs/openapi.json).
import { readFileSync, writeFileSync } from 'node:fs';
import { municipalitySchema } from '../schemas/municipality.js';
import { buildOpenApiDocument } from '../schemas/openapi.js';

const municipalityId = process.env.MUNICIPALITY ?? 'jonkoping';
const municipality = municipalitySchema.parse(JSON.parse(readFileSync(new URL(`../config/municipalities/${municipalityId}.json`, import.meta.url), 'utf8')));
const target = process.argv[2] ?? 'docs/openapi.json';
writeFileSync(target, JSON.stringify(buildOpenApiDocument({ municipality }), null, 2) + '\n');
console.log(`wrote ${target}`);
