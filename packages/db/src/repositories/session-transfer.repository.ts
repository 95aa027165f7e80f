import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { instances, sessionTransfers } from '../schema.js';
import type { SecretBox } from '../secret-box.js';

export type SessionTransfer = {
  readonly id: string;
  readonly instanceId: string;
  readonly direction: 'backup' | 'restore';
  readonly status: 'pending' | 'done' | 'failed';
  readonly bytes: number | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
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
};

/** WhatsApp session backups and restores; archives are sealed (a session is a login), bound to their transfer id. */
export class SessionTransferRepository {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  async create(instanceId: string, direction: 'backup' | 'restore', archive: Buffer | undefined, tx: Db = this.db): Promise<SessionTransfer> {
    const id = newId('sst');
    await tx.insert(sessionTransfers).values({
      id,
      instanceId,
      direction,
      archiveSealed: archive ? this.box.seal(archive.toString('base64'), id) : null,
      bytes: archive?.length ?? null,
    });
    const [row] = await tx.select(columns).from(sessionTransfers).where(eq(sessionTransfers.id, id));
    if (!row) throw new Error('session transfer vanished');
    return row as SessionTransfer;
  }

  /** A transfer of an instance the user owns; undefined otherwise (another user's is not found). */
  async findOwned(ownerId: string, instanceId: string, id: string): Promise<SessionTransfer | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(sessionTransfers)
      .innerJoin(instances, eq(instances.id, sessionTransfers.instanceId))
      .where(and(eq(sessionTransfers.id, id), eq(sessionTransfers.instanceId, instanceId), eq(instances.ownerId, ownerId), isNull(instances.deletedAt)));
    return row as SessionTransfer | undefined;
  }

  async pending(instanceId: string): Promise<SessionTransfer[]> {
    const rows = await this.db
      .select(columns)
      .from(sessionTransfers)
      .where(and(eq(sessionTransfers.instanceId, instanceId), eq(sessionTransfers.status, 'pending')))
      .orderBy(asc(sessionTransfers.createdAt));
    return rows as SessionTransfer[];
  }

  async archive(id: string): Promise<Buffer | undefined> {
    const [row] = await this.db.select({ sealed: sessionTransfers.archiveSealed }).from(sessionTransfers).where(eq(sessionTransfers.id, id));
    return row?.sealed ? Buffer.from(this.box.open(row.sealed, id), 'base64') : undefined;
  }

  /** Marks a transfer done (a backup with its archive; a restore drops the uploaded archive). */
  async done(id: string, archive?: Buffer): Promise<void> {
    await this.db
      .update(sessionTransfers)
      .set({
        status: 'done',
        finishedAt: new Date(),
        archiveSealed: archive ? this.box.seal(archive.toString('base64'), id) : null,
        ...(archive ? { bytes: archive.length } : {}),
      })
      .where(eq(sessionTransfers.id, id));
  }

  async failed(id: string, error: string): Promise<void> {
    await this.db.update(sessionTransfers).set({ status: 'failed', finishedAt: new Date(), error, archiveSealed: null }).where(eq(sessionTransfers.id, id));
  }
}
