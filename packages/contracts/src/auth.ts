import { z } from 'zod';

export const GuestResponseSchema = z.object({ user: z.object({ id: z.string(), isGuest: z.literal(true) }) }).meta({ id: 'GuestResponse' });

export const MeSchema = z
  .object({
    user: z.object({
      id: z.string(),
      name: z.string(),
      email: z.string().nullable(),
      emailVerified: z.boolean(),
      image: z.string().nullable(),
      isGuest: z.boolean(),
      adminFlags: z.array(z.string()),
      createdAt: z.string(),
    }),
    authenticatedBy: z.enum(['session', 'token']),
    limits: z.object({ maxInstances: z.number().int().nullable(), allowedPlanTiers: z.array(z.enum(['dev', 'production'])) }),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

export const CreateTokenSchema = z
  .object({ name: z.string().trim().min(1, 'name is required').max(64, 'at most 64 characters') })
  .strict()
  .meta({ id: 'CreateToken' });

export const TokenSchema = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .meta({ id: 'Token' });
export type Token = z.infer<typeof TokenSchema>;

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().describe('The token itself. Shown once: only its hash is stored.'),
}).meta({ id: 'CreatedToken' });

export const TokenListSchema = z.object({ items: z.array(TokenSchema) }).meta({ id: 'TokenList' });
