import * as z from 'zod';
import { MAX_FIELD_ERRORS } from './api.js';

/** RFC 9457 problem details, as every error of the API is answered. */
export const problemSchema = z
  .object({
    type: z.string().max(200).meta({ description: 'URI that identifies the kind of problem', example: 'https://etjanster.jonkoping.se/problems/validation' }),
    title: z.string().max(200).meta({ description: 'Short, human-readable summary in the language asked for' }),
    status: z.number().int().min(400).max(599),
    detail: z.string().max(2000).optional(),
    instance: z.string().max(2000).optional(),
    correlationId: z.string().max(128).optional().meta({ description: 'Quote it when you contact the municipality' }),
    errors: z
      .array(z.object({ path: z.string().max(500), message: z.string().max(1000) }))
      .max(MAX_FIELD_ERRORS)
      .optional()
      .meta({ description: 'For validation problems: one entry per invalid field' }),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;
