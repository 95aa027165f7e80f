import type { Db } from '../database.js';
import { auditLog } from '../schema.js';

export type AuditEntry = {
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly data?: Record<string, unknown>;
  readonly ip?: string | null;
};

export class AuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry, tx: Db = this.db): Promise<void> {
    await tx.insert(auditLog).values({ ...entry, data: entry.data ?? {}, ip: entry.ip ?? null });
  }
}
