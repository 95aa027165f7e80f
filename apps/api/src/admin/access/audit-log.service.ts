import type { AuditEntry, AuditQuery } from '@zapdeploy/contracts';
import { type AdminAuditRepository, redactSecrets } from '@zapdeploy/db';
import { DomainError } from '@zapdeploy/domain';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The admin audit log as the console reads it: filtered, newest first, a page at a time, secrets redacted. */
export class AuditLogService {
  constructor(private readonly audit: AdminAuditRepository) {}

  async page(query: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const page = await this.audit.page(
      {
        ...(query.actorId ? { actorId: query.actorId } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.targetType ? { targetType: query.targetType } : {}),
        ...(query.targetId ? { targetId: query.targetId } : {}),
        ...(query.outcome ? { outcome: query.outcome } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        // A date alone means up to the end of that day (UTC).
        ...(query.to ? { to: DATE_ONLY.test(query.to) ? new Date(Date.parse(query.to) + DAY_MS) : new Date(query.to) } : {}),
      },
      { ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit },
    );
    if (!page) throw new DomainError('invalid', 'invalid_cursor');
    return {
      items: page.items.map((entry) => ({
        id: String(entry.id),
        actorId: entry.actorId,
        actorEmail: entry.actorEmail,
        action: entry.action,
        outcome: entry.outcome ?? 'ok',
        targetType: entry.targetType,
        targetId: entry.targetId,
        // Written redacted; redacted again on the way out, should a row have come from elsewhere.
        before: redactSecrets(entry.before ?? null),
        after: redactSecrets(entry.after ?? null),
        ip: entry.ip ?? null,
        requestId: entry.requestId ?? null,
        createdAt: entry.createdAt.toISOString(),
      })),
      nextCursor: page.nextCursor,
    };
  }
}
