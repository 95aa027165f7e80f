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
      guestExpiresAt: z
        .string()
        .nullable()
        .describe('Guests only: when this guest and their instances are deleted unless they come back (every request moves it on)'),
    }),
    authenticatedBy: z.enum(['session', 'token']),
    scope: z.enum(['read', 'deploy', 'full']).describe('What this caller may do: a session may do everything, a token what it was created for'),
    limits: z.object({ maxInstances: z.number().int().nullable(), allowedPlanTiers: z.array(z.enum(['dev', 'production'])) }),
  })
  .meta({ id: 'Me' });
export type Me = z.infer<typeof MeSchema>;

export const TokenScopeSchema = z
  .enum(['read', 'deploy', 'full'])
  .describe('read: GET only; deploy: also create instances, redeploy, restart, pause, resume and change them; full: everything');

export const CreateTokenSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(64, 'at most 64 characters'),
    scope: TokenScopeSchema.default('full'),
    expiresInDays: z
      .number()
      .int('expected whole days')
      .min(1, 'at least 1 day')
      .max(365, 'at most 365 days')
      .nullable()
      .default(90)
      .describe('Days until the token stops working; null: never'),
  })
  .strict()
  .meta({ id: 'CreateToken' });
export type CreateToken = z.infer<typeof CreateTokenSchema>;

export const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scope: TokenScopeSchema,
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'Token' });
export type Token = z.infer<typeof TokenSchema>;

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().describe('The token itself. Shown once: only its hash is stored.'),
}).meta({ id: 'CreatedToken' });

export const TokenListSchema = z.object({ items: z.array(TokenSchema) }).meta({ id: 'TokenList' });
