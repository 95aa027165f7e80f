import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { apiTokens, users } from '../schema.js';

export type ApiTokenRecord = {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
};

export class ApiTokenRepository {
  constructor(private readonly db: Db) {}

  async create(input: { userId: string; name: string; tokenHash: string; prefix: string }): Promise<ApiTokenRecord> {
    const [row] = await this.db
      .insert(apiTokens)
      .values({ id: newId('tok'), ...input })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return pick(row);
  }

  async listActive(userId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
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

  /** The owner of a live token with this hash, marking the token used. */
  async resolve(tokenHash: string): Promise<{ tokenId: string; userId: string } | undefined> {
    const [row] = await this.db
      .select({ tokenId: apiTokens.id, userId: apiTokens.userId, suspendedAt: users.suspendedAt })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
    if (!row || row.suspendedAt) return undefined;
    await this.db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.tokenId));
    return { tokenId: row.tokenId, userId: row.userId };
  }
}

function pick(row: typeof apiTokens.$inferSelect): ApiTokenRecord {
  return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}
