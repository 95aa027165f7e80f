import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../database.js';
import { adminAudit, users } from '../schema.js';

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

export type AdminAuditFilter = {
  readonly actorId?: string;
  readonly action?: string;
  readonly targetType?: string;
  readonly targetId?: string;
  readonly outcome?: 'ok' | 'denied';
  /** Entries at or after. */
  readonly from?: Date;
  /** Entries before. */
  readonly to?: Date;
};

/** An entry as the console shows it: with its actor's e-mail (null for the platform, or an account since deleted). */
export type AdminAuditView = AdminAuditRecord & { readonly actorEmail: string | null };

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

  /**
   * A page of entries, newest first, after `cursor` (from the previous page's `nextCursor`); undefined when the cursor is
   * not one this method made.
   */
  async page(
    filter: AdminAuditFilter,
    options: { readonly cursor?: string; readonly limit: number },
  ): Promise<{ items: AdminAuditView[]; nextCursor: string | null } | undefined> {
    const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    if (options.cursor !== undefined && before === undefined) return undefined;
    const rows = await this.db
      .select({ entry: adminAudit, actorEmail: users.email })
      .from(adminAudit)
      .leftJoin(users, eq(users.id, adminAudit.actorId))
      .where(
        and(
          filter.actorId ? eq(adminAudit.actorId, filter.actorId) : undefined,
          filter.action ? eq(adminAudit.action, filter.action) : undefined,
          filter.targetType ? eq(adminAudit.targetType, filter.targetType) : undefined,
          filter.targetId ? eq(adminAudit.targetId, filter.targetId) : undefined,
          filter.outcome ? eq(adminAudit.outcome, filter.outcome) : undefined,
          filter.from ? gte(adminAudit.createdAt, filter.from) : undefined,
          filter.to ? lt(adminAudit.createdAt, filter.to) : undefined,
          before !== undefined ? lt(adminAudit.id, before) : undefined,
        ),
      )
      .orderBy(desc(adminAudit.id))
      .limit(options.limit + 1);
    const items = rows
      .slice(0, options.limit)
      .map(({ entry, actorEmail }) => ({ ...entry, outcome: entry.outcome as 'ok' | 'denied', actorEmail: actorEmail ?? null }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.id) : null };
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

function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ before: id })).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const before = (parsed as { before?: unknown } | null)?.before;
    if (typeof before === 'number' && Number.isSafeInteger(before) && before > 0) return before;
  } catch {
    // not a cursor of ours
  }
  return undefined;
}
