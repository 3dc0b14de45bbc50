import { z } from 'zod';

/** RFC 9457 problem details, as every error of the API is answered. */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'URI that identifies the kind of problem', example: 'https://etjanster.jonkoping.se/problems/validation' }),
    title: z.string().meta({ description: 'Short, human-readable summary in the language asked for' }),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    correlationId: z.string().optional().meta({ description: 'Quote it when you contact the municipality' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'For validation problems: one entry per invalid field' }),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;
