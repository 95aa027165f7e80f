import { z } from 'zod';

export const LogLineSchema = z
  .object({ id: z.string(), ts: z.string(), stream: z.enum(['stdout', 'stderr', 'system', 'build']), line: z.string() })
  .meta({ id: 'LogLine' });
export type LogLine = z.infer<typeof LogLineSchema>;

export const LogPageSchema = z.object({ items: z.array(LogLineSchema) }).meta({ id: 'LogPage' });

export const LogQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,16}-\d{1,10}$/, 'a log position such as 1700000000000-0')
    .optional()
    .describe('Only lines after this position'),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  follow: z.enum(['0', '1', 'true', 'false']).optional(),
  lang: z.enum(['pt-BR', 'en', 'es']).optional().describe("The language of the platform's own lines (default: Accept-Language, then pt-BR)"),
});
