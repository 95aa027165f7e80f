import { z } from 'zod';

export const PlanSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    priceCents: z.number().int().describe('Monthly price in cents of BRL'),
    currency: z.literal('BRL'),
    cpuMillis: z.number().int(),
    memoryMb: z.number().int(),
    diskMb: z.number().int(),
    tier: z.enum(['dev', 'production']),
  })
  .meta({ id: 'Plan' });
export type PlanDto = z.infer<typeof PlanSchema>;

export const PlanListSchema = z.array(PlanSchema).meta({ id: 'PlanList' });
