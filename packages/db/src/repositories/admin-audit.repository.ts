import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { adminAudit } from '../schema.js';

export type AdminAuditEntry = {
  /** Null: the platform itself (e.g. ZAPDEPLOY_SUPERADMINS at start). */
  readonly actorId: string | null;
  readonly action: string;
  readonly outcome?: 'ok' | 'denied';
  readonly targetType: string;
  readonly targetId: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly ip?: string | null;
  readonly requestId?: string | null;
};

export type AdminAuditRecord = AdminAuditEntry & { readonly id: number; readonly createdAt: Date };

/** Keys whose values never reach the audit log, whatever a caller passes. */
const SECRET_KEY = /credential|kubeconfig|password|secret|token|private.?key/i;

/** A copy of a value with every secret-looking key's value replaced by "[redacted]". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(inner)]));
  }
  return value;
}

/** The administrators' audit log: append-only, written in the transaction of the change it records. */
export class AdminAuditRepository {
  constructor(private readonly db: Db) {}

  async record(entry: AdminAuditEntry, tx: Db = this.db): Promise<void> {
    await tx.insert(adminAudit).values({
      actorId: entry.actorId,
      action: entry.action,
      outcome: entry.outcome ?? 'ok',
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: entry.before === undefined ? null : redactSecrets(entry.before),
      after: entry.after === undefined ? null : redactSecrets(entry.after),
      ip: entry.ip ?? null,
      requestId: entry.requestId ?? null,
    });
  }

  /** Newest first. */
  async list(filter: { readonly actorId?: string; readonly action?: string; readonly targetId?: string } = {}, limit = 100): Promise<AdminAuditRecord[]> {
    const rows = await this.db
      .select()
      .from(adminAudit)
      .where(
        and(
          filter.actorId ? eq(adminAudit.actorId, filter.actorId) : undefined,
          filter.action ? eq(adminAudit.action, filter.action) : undefined,
          filter.targetId ? eq(adminAudit.targetId, filter.targetId) : undefined,
        ),
      )
      .orderBy(desc(adminAudit.id))
      .limit(limit);
    return rows.map((row) => ({ ...row, outcome: row.outcome as 'ok' | 'denied' }));
  }
}
