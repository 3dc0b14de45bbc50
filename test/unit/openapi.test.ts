import { readFileSync } from 'node:fs';
import { Document, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import owasp from '@stoplight/spectral-owasp-ruleset';
import { describe, expect, it } from 'vitest';
import { routesByService } from '../../schemas/index.js';
import { municipalitySchema } from '../../schemas/municipality.js';
import { buildOpenApiDocument } from '../../schemas/openapi.js';

const municipality = municipalitySchema.parse(JSON.parse(readFileSync('config/municipalities/jonkoping.json', 'utf8')));
const document = buildOpenApiDocument({ municipality });

/** Every `$ref` in the document. */
function refs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refs);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refs(v)));
}

describe('the OpenAPI document', () => {
  it('describes every declared route', () => {
    const paths = document.paths as Record<string, Record<string, { operationId: string }>>;
    for (const route of Object.values(routesByService).flat()) {
      expect(paths[route.path]?.[route.method.toLowerCase()]?.operationId).toBe(route.operationId);
    }
  });

  it('has every $ref resolvable inside the document', () => {
    const components = document.components as { schemas: Record<string, unknown>; parameters: Record<string, unknown> };
    const missing = refs(document).filter((ref) => {
      const [, kind, name] = /^#\/components\/(schemas|parameters)\/(.+)$/.exec(ref) ?? [];
      return !kind || !(name! in components[kind as 'schemas' | 'parameters']);
    });
    expect(missing).toEqual([]);
  });

  it('defines every component schema, none as a mere reference to itself', () => {
    const schemas = (document.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    const selfReferences = Object.entries(schemas)
      .filter(([name, schema]) => schema.$ref === `#/components/schemas/${name}`)
      .map(([name]) => name);
    expect(selfReferences).toEqual([]);
    expect(schemas.Case).toMatchObject({ type: 'object', properties: { diarienummer: expect.any(Object) } });
  });

  it("passes Spectral's spectral:oas and OWASP rulesets with no errors", async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[oas as never, 'recommended'], [owasp as never, 'recommended']] });
    const results = await spectral.run(new Document(JSON.stringify(document, null, 2), Json));
    const errors = results.filter((r) => r.severity === 0).map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`);
    expect(errors).toEqual([]);
  });
});

describe('docs/openapi.json', () => {
  it('is the document the schemas generate (run `npm run openapi` after changing a route or schema)', () => {
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
