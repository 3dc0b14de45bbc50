import * as z from 'zod';
import type { RouteSpec } from './api.js';
import { problemSchema } from './problem.js';

export const healthSchema = z.object({ status: z.literal('ok'), municipality: z.string().max(40) }).meta({ id: 'Health' });

export const platformRoutes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Liveness of the API',
    tags: ['platform'],
    auth: 'public',
    responses: { 200: { description: 'The API answers', schema: healthSchema } },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    tags: ['platform'],
    auth: 'public',
    responses: { 200: { description: 'OpenAPI document', schema: z.record(z.string().max(100), z.unknown()) } },
  },
];

/** Every path that no route claims reaches the platform function, which answers 404 problem+json. */
export const notFoundResponse = { description: 'No such route', schema: problemSchema, contentType: 'application/problem+json' };
