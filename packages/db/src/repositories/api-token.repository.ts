import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { apiTokens, users } from '../schema.js';

export type ApiTokenRecord = {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly scope: TokenScopeValue;
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
};

export type TokenScopeValue = 'read' | 'deploy' | 'full';

/** What a presented token hash turned out to be. */
export type TokenResolution =
  | { readonly kind: 'valid'; readonly tokenId: string; readonly userId: string; readonly scope: TokenScopeValue }
  | { readonly kind: 'expired' }
  | { readonly kind: 'unknown' };

export class ApiTokenRepository {
  constructor(private readonly db: Db) {}

  async create(input: {
    userId: string;
    name: string;
    tokenHash: string;
    prefix: string;
    scope: TokenScopeValue;
    expiresAt: Date | null;
  }): Promise<ApiTokenRecord> {
    const [row] = await this.db
      .insert(apiTokens)
      .values({ id: newId('tok'), ...input })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return pick(row);
  }

  /** The user's tokens that are neither revoked nor expired. */
  async listActive(userId: string, now = new Date()): Promise<ApiTokenRecord[]> {
    const rows = await this.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))))
      .orderBy(desc(apiTokens.createdAt));
    return rows.map(pick);
  }

  /** Revokes one of the user's tokens; false when the user has no such live token. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length > 0;
  }

  /** Revokes every live token of the user (a password change or reset); returns how many. */
  async revokeAll(userId: string): Promise<number> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length;
  }

  /** The owner and scope of a live token with this hash, marking the token used; `expired` once past its expiry. */
  async resolve(tokenHash: string, now = new Date()): Promise<TokenResolution> {
    const [row] = await this.db
      .select({ tokenId: apiTokens.id, userId: apiTokens.userId, scope: apiTokens.scope, expiresAt: apiTokens.expiresAt, suspendedAt: users.suspendedAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
    if (!row || row.suspendedAt) return { kind: 'unknown' };
    if (row.expiresAt && row.expiresAt <= now) return { kind: 'expired' };
    await this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
    return { kind: 'valid', tokenId: row.tokenId, userId: row.userId, scope: row.scope };
  }
}

function pick(row: typeof apiTokens.$inferSelect): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}
