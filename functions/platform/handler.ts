import { platformRoutes } from '../../schemas/platform.js';
import { buildOpenApiDocument } from '../../schemas/openapi.js';
import { createApiHandler } from '../shared/api-handler.js';
import { loadMunicipality, publicBaseUrl } from '../shared/config.js';

const municipality = loadMunicipality();
// Generated once per instance from the same zod schemas that validate requests.
const openApiDocument = buildOpenApiDocument({ municipality, serverUrl: publicBaseUrl(municipality) });

/** Health, the OpenAPI document, and the 404 answer for every path no e-service claims. */
export const handler = createApiHandler({
  routes: platformRoutes,
  departmentIds: new Set(municipality.departments.map((d) => d.id)),
  operations: {
    getHealth: async () => ({ status: 200, body: { status: 'ok', municipality: municipality.id } }),
    getOpenApi: async () => ({ status: 200, body: openApiDocument }),
  },
});
