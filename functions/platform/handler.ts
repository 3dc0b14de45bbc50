import { platformRoutes } from '../../schemas/platform.js';
import { createApiHandler } from '../shared/api-handler.js';
import { loadMunicipality, publicBaseUrl } from '../shared/config.js';

const municipality = loadMunicipality();
// Generated on first request, once per instance, from the same zod schemas that validate requests
// (not at init: most cold starts serve health checks and 404s).
let openApiDocument: Record<string, unknown> | undefined;

/** Health, the OpenAPI document, and the 404 answer for every path no e-service claims. */
export const handler = createApiHandler({
  routes: platformRoutes,
  departmentIds: new Set(municipality.departments.map((d) => d.id)),
  operations: {
    getHealth: async () => ({ status: 200, body: { status: 'ok', municipality: municipality.id } }),
    getOpenApi: async () => {
      if (!openApiDocument) {
        // Imported on first use: the generator and every e-service's schemas stay out of the cold start.
        const { buildOpenApiDocument } = await import('../../schemas/openapi.js');
        openApiDocument = buildOpenApiDocument({ municipality, serverUrl: publicBaseUrl(municipality) });
      }
      return { status: 200, body: openApiDocument };
    },
  },
});
