import { asc, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../database.js';
import { outbox } from '../schema.js';

export type OutboxMessage = { readonly name: string; readonly version: number; readonly payload: unknown };
export type PendingMessage = OutboxMessage & { readonly id: number };

/** Appends messages inside the caller's transaction; the relay publishes them later. */
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  async add(message: OutboxMessage, tx: Db = this.db): Promise<void> {
    await tx.insert(outbox).values({ name: message.name, version: message.version, payload: message.payload });
  }

  /**
   * Publishes unpublished messages in order, then marks them published, in one transaction that
   * skips rows another relay holds. A crash between publish and commit republishes (at least once).
   */
  async relay(publish: (message: PendingMessage) => Promise<void>, limit = 100): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.select().from(outbox).where(isNull(outbox.publishedAt)).orderBy(asc(outbox.id)).limit(limit).for('update', { skipLocked: true });
      for (const row of rows) await publish({ id: row.id, name: row.name, version: row.version, payload: row.payload });
      if (rows.length > 0)
        await tx
          .update(outbox)
          .set({ publishedAt: new Date() })
          .where(
            inArray(
              outbox.id,
              rows.map((r) => r.id),
            ),
          );
      return rows.length;
    });
  }
}
