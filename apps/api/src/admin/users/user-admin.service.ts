import { InstanceReconcileV1, type UserDetailDto } from '@zapdeploy/contracts';
import type {
  AdminAuditRepository,
  AdminPeopleRepository,
  ChangedInstance,
  Db,
  OutboxMessage,
  OutboxRepository,
  RoleRepository,
  UserSummaryRecord,
} from '@zapdeploy/db';
import { isValidCursor } from '@zapdeploy/db';
import { ALL_PERMISSIONS, DomainError, notFound } from '@zapdeploy/domain';
import { withIntent } from '../../infrastructure/intent.js';
import type { AdminActor } from '../admin-actor.js';
import { toUserDetailDto, toUserSummaryDto } from './user.mapper.js';

export type UserAdminDeps = {
  readonly db: Db;
  readonly people: AdminPeopleRepository;
  /** An administrator (anyone holding a role) may be suspended only by an owner, and nobody suspends themselves. */
  readonly roles: RoleRepository;
  readonly audit: AdminAuditRepository;
  readonly outbox: OutboxRepository;
  /** Publishes a message at once after commit (fast path); the outbox relay still guarantees delivery. */
  readonly publishNow: (message: OutboxMessage) => Promise<void>;
  readonly log?: (line: string) => void;
};

/** How many of a user's instances and payments their detail shows. */
const DETAIL_ROWS = 200;

/**
 * Operators' use cases on users: search, detail, suspension (sessions ended, sign-in and tokens refused, running
 * instances paused with "conta suspensa"), unsuspension (exactly those instances resumed), a cap on instances. Each
 * change and its audit row are one transaction; pauses and resumes are intents with a reconcile nudge.
 */
export class UserAdminService {
  constructor(private readonly deps: UserAdminDeps) {}

  async list(query: { q?: string; cursor?: string; limit: number }) {
    if (query.cursor && !isValidCursor(query.cursor)) throw new DomainError('invalid', 'invalid_cursor');
    const page = await this.deps.people.searchUsers(query);
    return { items: page.items.map(toUserSummaryDto), nextCursor: page.nextCursor };
  }

  async detail(id: string): Promise<UserDetailDto> {
    const user = await this.deps.people.findUser(id);
    if (!user) throw notFound('user');
    return this.describe(user);
  }

  async suspend(actor: AdminActor, id: string, reason: string): Promise<UserDetailDto> {
    try {
      await this.suspendOnce(actor, id, reason);
    } catch (error) {
      // A refused suspension (self, or an administrator by a non-owner) is recorded as denied.
      if (error instanceof DomainError && error.code.startsWith('cannot_suspend_')) {
        await this.deps.audit.record({
          ...who(actor),
          action: 'user.suspend',
          outcome: 'denied',
          targetType: 'user',
          targetId: id,
          after: { refused: error.code, reason },
        });
      }
      throw error;
    }
    return this.detail(id);
  }

  private async suspendOnce(actor: AdminActor, id: string, reason: string): Promise<void> {
    const { people, audit } = this.deps;
    await withIntent(this.deps, async (tx, announce) => {
      if (!(await people.lockUser(id, tx))) throw notFound('user');
      const before = await people.findUser(id, tx);
      if (!before || before.suspendedAt) return; // already suspended: nothing changes
      await this.assertMaySuspend(actor, id, tx);
      await people.setSuspension(id, { at: new Date(), reason }, tx);
      const sessionsRevoked = await people.revokeSessions(id, tx);
      const paused = await people.pauseForSuspension(id, tx);
      await nudge(paused, 'account_suspended', announce);
      await audit.record(
        {
          ...who(actor),
          action: 'user.suspend',
          targetType: 'user',
          targetId: id,
          before: { suspended: false },
          after: { suspended: true, reason, sessionsRevoked, pausedInstances: paused.map((instance) => instance.id) },
        },
        tx,
      );
    });
  }

  async unsuspend(actor: AdminActor, id: string): Promise<UserDetailDto> {
    const { people, audit } = this.deps;
    await withIntent(this.deps, async (tx, announce) => {
      if (!(await people.lockUser(id, tx))) throw notFound('user');
      const before = await people.findUser(id, tx);
      if (!before?.suspendedAt) return; // not suspended: nothing changes
      await people.setSuspension(id, null, tx);
      const resumed = await people.resumeAfterSuspension(id, tx);
      await nudge(resumed, 'account_unsuspended', announce);
      await audit.record(
        {
          ...who(actor),
          action: 'user.unsuspend',
          targetType: 'user',
          targetId: id,
          before: { suspended: true, reason: before.suspendedReason },
          after: { suspended: false, resumedInstances: resumed.map((instance) => instance.id) },
        },
        tx,
      );
    });
    return this.detail(id);
  }

  async setMaxInstances(actor: AdminActor, id: string, maxInstances: number | null): Promise<UserDetailDto> {
    const { people, audit, db } = this.deps;
    await db.transaction(async (tx) => {
      if (!(await people.lockUser(id, tx))) throw notFound('user');
      const before = await people.findUser(id, tx);
      if (!before) throw notFound('user');
      if (before.maxInstances === maxInstances) return;
      await people.setMaxInstances(id, maxInstances, tx);
      await audit.record(
        { ...who(actor), action: 'user.update', targetType: 'user', targetId: id, before: { maxInstances: before.maxInstances }, after: { maxInstances } },
        tx,
      );
    });
    return this.detail(id);
  }

  /** Nobody suspends themselves; only an owner suspends an administrator (a users-area admin cannot lock out the owners). */
  private async assertMaySuspend(actor: AdminActor, id: string, tx: Db): Promise<void> {
    if (actor.userId === id) throw new DomainError('conflict', 'cannot_suspend_self');
    const { roles } = this.deps;
    if ((await roles.rolesOf(id, tx)).length === 0) return;
    if (!(await roles.permissionsOf(actor.userId, tx)).includes(ALL_PERMISSIONS)) throw new DomainError('forbidden', 'cannot_suspend_admin');
  }

  private async describe(user: UserSummaryRecord): Promise<UserDetailDto> {
    const { people } = this.deps;
    const [signInMethods, instances, payments] = await Promise.all([
      people.signInMethods(user.id, user.isGuest),
      people.listInstances({ userId: user.id }, { limit: DETAIL_ROWS }),
      people.paymentsOf(user.id, DETAIL_ROWS),
    ]);
    return toUserDetailDto(user, { signInMethods, instances: instances.items, payments });
  }
}

async function nudge(changed: readonly ChangedInstance[], reason: string, announce: (message: OutboxMessage) => Promise<void>): Promise<void> {
  for (const instance of changed) {
    await announce({
      name: InstanceReconcileV1.name,
      version: InstanceReconcileV1.version,
      payload: { instanceId: instance.id, generation: instance.generation, reason },
    });
  }
}

function who(actor: AdminActor) {
  return { actorId: actor.userId, ip: actor.ip, requestId: actor.requestId };
}
