import { and, asc, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { instances, sessionTransfers } from '../schema.js';

export type SessionTransfer = {
  readonly id: string;
  readonly instanceId: string;
  readonly direction: 'backup' | 'restore';
  /** `expired`: past its time (or replaced by a newer one); its archive is gone. */
  readonly status: 'pending' | 'done' | 'failed' | 'expired';
  readonly bytes: number | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly expiresAt: Date;
};

const columns = {
  id: sessionTransfers.id,
  instanceId: sessionTransfers.instanceId,
  direction: sessionTransfers.direction,
  status: sessionTransfers.status,
  bytes: sessionTransfers.bytes,
  error: sessionTransfers.error,
  createdAt: sessionTransfers.createdAt,
  finishedAt: sessionTransfers.finishedAt,
  expiresAt: sessionTransfers.expiresAt,
};

const LIVE = ['pending', 'done'];

/** A row as callers see it: a live transfer past its time is expired even before the sweep marks it. */
function present(row: Record<keyof typeof columns, unknown>, now = new Date()): SessionTransfer {
  const transfer = row as SessionTransfer;
  return LIVE.includes(transfer.status) && transfer.expiresAt <= now ? { ...transfer, status: 'expired' } : transfer;
}

/**
 * WhatsApp session backups and restores. The archives themselves live in the session archive store, under the
 * transfer's id; each instance keeps at most one live transfer of each direction (a new one replaces the old).
 */
export class SessionTransferRepository {
  constructor(private readonly db: Db) {}

  /** A new id for a transfer whose archive is stored before its row exists (restores). */
  static newId(): string {
    return newId('sst');
  }

  /**
   * Records a transfer and expires the instance's other live transfers of the same direction; returns it with the
   * ids of those replaced (their archives are to be removed once committed).
   */
  async create(
    input: { readonly id?: string; readonly instanceId: string; readonly direction: 'backup' | 'restore'; readonly bytes?: number; readonly expiresAt: Date },
    tx: Db = this.db,
  ): Promise<{ transfer: SessionTransfer; replaced: string[] }> {
    const id = input.id ?? SessionTransferRepository.newId();
    const replaced = await tx
      .update(sessionTransfers)
      .set({ status: 'expired', error: 'superseded', finishedAt: new Date() })
      .where(and(eq(sessionTransfers.instanceId, input.instanceId), eq(sessionTransfers.direction, input.direction), inArray(sessionTransfers.status, LIVE)))
      .returning({ id: sessionTransfers.id });
    await tx
      .insert(sessionTransfers)
      .values({ id, instanceId: input.instanceId, direction: input.direction, bytes: input.bytes ?? null, expiresAt: input.expiresAt });
    const [row] = await tx.select(columns).from(sessionTransfers).where(eq(sessionTransfers.id, id));
    if (!row) throw new Error('session transfer vanished');
    return { transfer: present(row), replaced: replaced.map((r) => r.id) };
  }

  /** A transfer of an instance the user owns; undefined otherwise (another user's is not found). */
  async findOwned(ownerId: string, instanceId: string, id: string): Promise<SessionTransfer | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(sessionTransfers)
      .innerJoin(instances, eq(instances.id, sessionTransfers.instanceId))
      .where(and(eq(sessionTransfers.id, id), eq(sessionTransfers.instanceId, instanceId), eq(instances.ownerId, ownerId), isNull(instances.deletedAt)));
    return row ? present(row) : undefined;
  }

  /** Transfers still to carry out (not past their time), oldest first. */
  async pending(instanceId: string): Promise<SessionTransfer[]> {
    const rows = await this.db
      .select(columns)
      .from(sessionTransfers)
      .where(and(eq(sessionTransfers.instanceId, instanceId), eq(sessionTransfers.status, 'pending'), gt(sessionTransfers.expiresAt, new Date())))
      .orderBy(asc(sessionTransfers.createdAt));
    return rows as SessionTransfer[];
  }

  /** Marks a transfer done (a backup with the size of its stored archive). False when it was no longer pending. */
  async done(id: string, bytes?: number): Promise<boolean> {
    const rows = await this.db
      .update(sessionTransfers)
      .set({ status: 'done', finishedAt: new Date(), ...(bytes !== undefined ? { bytes } : {}) })
      .where(and(eq(sessionTransfers.id, id), eq(sessionTransfers.status, 'pending')))
      .returning({ id: sessionTransfers.id });
    return rows.length > 0;
  }

  async failed(id: string, error: string): Promise<void> {
    await this.db
      .update(sessionTransfers)
      .set({ status: 'failed', finishedAt: new Date(), error })
      .where(and(eq(sessionTransfers.id, id), inArray(sessionTransfers.status, LIVE)));
  }

  /** Marks live transfers past their time expired; returns their ids (their archives are to be removed). */
  async expireDue(now = new Date()): Promise<string[]> {
    const rows = await this.db
      .update(sessionTransfers)
      .set({ status: 'expired', error: 'expired', finishedAt: now })
      .where(and(inArray(sessionTransfers.status, LIVE), lte(sessionTransfers.expiresAt, now)))
      .returning({ id: sessionTransfers.id });
    return rows.map((row) => row.id);
  }

  /** Of these ids, those whose archive is still needed: a pending restore or a done backup not past its time. */
  async needingArchive(ids: readonly string[], now = new Date()): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .select({ id: sessionTransfers.id, direction: sessionTransfers.direction, status: sessionTransfers.status })
      .from(sessionTransfers)
      .where(and(inArray(sessionTransfers.id, [...ids]), inArray(sessionTransfers.status, LIVE), gt(sessionTransfers.expiresAt, now)));
    return new Set(rows.filter((row) => (row.direction === 'restore' ? row.status === 'pending' : row.status === 'done')).map((row) => row.id));
  }
}
