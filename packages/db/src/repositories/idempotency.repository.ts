import { and, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { idempotencyKeys } from '../schema.js';

export type StoredResponse = { readonly requestHash: string; readonly status: number; readonly body: unknown };

export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  async find(userId: string, key: string, tx: Db = this.db): Promise<StoredResponse | undefined> {
    const [row] = await tx
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
    return row ? { requestHash: row.requestHash, status: row.responseStatus, body: row.responseBody } : undefined;
  }

  async save(userId: string, key: string, response: StoredResponse, tx: Db = this.db): Promise<void> {
    await tx.insert(idempotencyKeys).values({
      userId,
      key,
      requestHash: response.requestHash,
      responseStatus: response.status,
      responseBody: response.body,
    });
  }
}
