import { ACCOUNT_SUSPENDED_REASON, type DesiredState, type InstanceStatus } from '@zapdeploy/domain';
import { and, desc, eq, ilike, isNotNull, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Db } from '../database.js';
import { accounts, clusters, deployments, instanceBilling, instances, payments, plans, sessions, users } from '../schema.js';
import type { DeploymentRecord, Page } from './instance.repository.js';

export type UserSummaryRecord = {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly isGuest: boolean;
  readonly suspendedAt: Date | null;
  readonly suspendedReason: string | null;
  readonly maxInstances: number | null;
  readonly instanceCount: number;
  readonly createdAt: Date;
  readonly lastActiveAt: Date;
};

export type AdminInstanceRecord = {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string | null;
  readonly ownerEmail: string | null;
  readonly guest: boolean;
  readonly status: InstanceStatus;
  readonly statusReason: string | null;
  readonly desiredState: DesiredState;
  readonly pausedBySuspension: boolean;
  readonly generation: number;
  readonly planId: string;
  readonly planName: string;
  readonly clusterId: string | null;
  readonly clusterName: string | null;
  readonly targetClusterId: string | null;
  readonly billingState: string | null;
  readonly billingMethod: string | null;
  readonly paidUntil: Date | null;
  readonly repoUrl: string;
  readonly branch: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

export type AdminInstanceFilters = {
  readonly userId?: string;
  readonly clusterId?: string;
  readonly status?: string;
  readonly planId?: string;
  readonly guest?: boolean;
  readonly unpaid?: boolean;
  readonly q?: string;
};

export type AdminPaymentRecord = {
  readonly id: string;
  readonly instanceId: string;
  readonly planId: string;
  readonly method: string;
  readonly amountCents: number;
  readonly status: string;
  readonly approvedAt: Date | null;
  readonly createdAt: Date;
};

/** An instance a suspension paused or resumed, with its new generation (for the reconcile nudge). */
export type ChangedInstance = { readonly id: string; readonly generation: number };

/** `%` and `_` typed by an operator are searched for, not used as wildcards. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The user's live instances (written out: a correlated subquery needs its outer column qualified). */
const liveCount = sql<number>`(select count(*) from instances as live where live.owner_id = "users"."id" and live.deleted_at is null)`.mapWith(Number);

/** Better Auth's provider ids as the console names them. */
const SIGN_IN_METHOD: Readonly<Record<string, string>> = { credential: 'password' };

/**
 * What operators read and change about people: users (search, detail, suspension, caps) and every instance whoever
 * owns it. Not owner-scoped: only the admin API (behind its permission guard) uses it.
 */
export class AdminPeopleRepository {
  constructor(private readonly db: Db) {}

  // --- Users ---

  async searchUsers(options: { q?: string; cursor?: string; limit: number }): Promise<Page<UserSummaryRecord>> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const q = options.q?.trim();
    const rows = await this.selectUsers(this.db)
      .where(
        and(
          q ? or(eq(users.id, q), ilike(users.email, contains(q)), ilike(users.name, contains(q))) : undefined,
          after ? or(lt(users.createdAt, after.createdAt), and(eq(users.createdAt, after.createdAt), lt(users.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(options.limit + 1);
    const items = rows.slice(0, options.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  async findUser(id: string, tx: Db = this.db): Promise<UserSummaryRecord | undefined> {
    const [row] = await this.selectUsers(tx).where(eq(users.id, id));
    return row;
  }

  /** Locks the user's row for the rest of the transaction (a suspension and an instance creation do not interleave). */
  async lockUser(id: string, tx: Db): Promise<boolean> {
    const rows = await tx.select({ id: users.id }).from(users).where(eq(users.id, id)).for('update');
    return rows.length > 0;
  }

  /** password, github, guest…: how the user can sign in. */
  async signInMethods(userId: string, isGuest: boolean): Promise<string[]> {
    const rows = await this.db.selectDistinct({ providerId: accounts.providerId }).from(accounts).where(eq(accounts.userId, userId));
    const methods = rows.map((row) => SIGN_IN_METHOD[row.providerId] ?? row.providerId).sort();
    return isGuest ? ['guest', ...methods] : methods;
  }

  async setSuspension(userId: string, suspension: { readonly at: Date; readonly reason: string } | null, tx: Db): Promise<void> {
    await tx
      .update(users)
      .set({ suspendedAt: suspension?.at ?? null, suspendedReason: suspension?.reason ?? null, updatedAt: new Date() })
      .where(eq(users.id, userId));
  }

  async setMaxInstances(userId: string, maxInstances: number | null, tx: Db): Promise<void> {
    await tx.update(users).set({ maxInstances, updatedAt: new Date() }).where(eq(users.id, userId));
  }

  /** Ends every session of the user; returns how many. */
  async revokeSessions(userId: string, tx: Db): Promise<number> {
    const rows = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    return rows.length;
  }

  /** Payments for the user's instances, newest first. */
  async paymentsOf(userId: string, limit = 100): Promise<AdminPaymentRecord[]> {
    return this.db
      .select({
        id: payments.id,
        instanceId: payments.instanceId,
        planId: payments.planId,
        method: payments.method,
        amountCents: payments.amountCents,
        status: payments.status,
        approvedAt: payments.approvedAt,
        createdAt: payments.createdAt,
      })
      .from(payments)
      .innerJoin(instances, eq(instances.id, payments.instanceId))
      .where(eq(instances.ownerId, userId))
      .orderBy(desc(payments.createdAt))
      .limit(limit);
  }

  /** Pauses every live instance of the user meant to run, marking them as paused by the suspension. */
  async pauseForSuspension(userId: string, tx: Db): Promise<ChangedInstance[]> {
    return tx
      .update(instances)
      .set({
        desiredState: 'paused',
        statusReason: ACCOUNT_SUSPENDED_REASON,
        pausedBySuspension: true,
        generation: sql`${instances.generation} + 1`,
        statusChangedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(instances.ownerId, userId), isNull(instances.deletedAt), eq(instances.desiredState, 'running')))
      .returning({ id: instances.id, generation: instances.generation });
  }

  /**
   * Resumes exactly what the suspension paused and is still paused for it; an instance paused since for another
   * reason (payment overdue, disk) stays paused, only its mark is cleared.
   */
  async resumeAfterSuspension(userId: string, tx: Db): Promise<ChangedInstance[]> {
    const resumed = await tx
      .update(instances)
      .set({
        desiredState: 'running',
        statusReason: null,
        pausedBySuspension: false,
        generation: sql`${instances.generation} + 1`,
        statusChangedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(instances.ownerId, userId),
          isNull(instances.deletedAt),
          eq(instances.pausedBySuspension, true),
          eq(instances.desiredState, 'paused'),
          eq(instances.statusReason, ACCOUNT_SUSPENDED_REASON),
        ),
      )
      .returning({ id: instances.id, generation: instances.generation });
    await tx
      .update(instances)
      .set({ pausedBySuspension: false })
      .where(and(eq(instances.ownerId, userId), eq(instances.pausedBySuspension, true)));
    return resumed;
  }

  // --- Instances ---

  async listInstances(filters: AdminInstanceFilters, options: { cursor?: string; limit: number }): Promise<Page<AdminInstanceRecord>> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.selectInstances(this.db)
      .where(
        and(
          ...instanceConditions(filters),
          after ? or(lt(instances.createdAt, after.createdAt), and(eq(instances.createdAt, after.createdAt), lt(instances.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(instances.createdAt), desc(instances.id))
      .limit(options.limit + 1);
    const items = rows.slice(0, options.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** Any instance by id, deleted ones included. */
  async findInstance(id: string, tx: Db = this.db): Promise<AdminInstanceRecord | undefined> {
    const [row] = await this.selectInstances(tx).where(eq(instances.id, id));
    return row;
  }

  /** Locks the instance's row for the rest of the transaction; false when there is none. */
  async lockInstance(id: string, tx: Db): Promise<boolean> {
    const rows = await tx.select({ id: instances.id }).from(instances).where(eq(instances.id, id)).for('update');
    return rows.length > 0;
  }

  async deploymentsOf(instanceId: string, limit = 50): Promise<DeploymentRecord[]> {
    return this.db
      .select({
        id: deployments.id,
        number: deployments.number,
        status: deployments.status,
        trigger: deployments.trigger,
        commitSha: deployments.commitSha,
        error: deployments.error,
        createdAt: deployments.createdAt,
        startedAt: deployments.startedAt,
        finishedAt: deployments.finishedAt,
      })
      .from(deployments)
      .where(eq(deployments.instanceId, instanceId))
      .orderBy(desc(deployments.number))
      .limit(limit);
  }

  private selectUsers(tx: Db) {
    return tx
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        isGuest: users.isAnonymous,
        suspendedAt: users.suspendedAt,
        suspendedReason: users.suspendedReason,
        maxInstances: users.maxInstances,
        instanceCount: liveCount,
        createdAt: users.createdAt,
        lastActiveAt: users.lastActiveAt,
      })
      .from(users)
      .$dynamic();
  }

  private selectInstances(tx: Db) {
    return tx
      .select({
        id: instances.id,
        name: instances.name,
        ownerId: instances.ownerId,
        ownerEmail: users.email,
        guest: sql<boolean>`coalesce(${users.isAnonymous}, false)`.mapWith(Boolean),
        status: sql<InstanceStatus>`${instances.status}`,
        statusReason: instances.statusReason,
        desiredState: sql<DesiredState>`${instances.desiredState}`,
        pausedBySuspension: instances.pausedBySuspension,
        generation: instances.generation,
        planId: instances.planId,
        planName: plans.name,
        clusterId: instances.clusterId,
        clusterName: clusters.name,
        targetClusterId: instances.targetClusterId,
        billingState: instanceBilling.state,
        billingMethod: instanceBilling.method,
        paidUntil: instanceBilling.paidUntil,
        repoUrl: instances.repoUrl,
        branch: instances.branch,
        createdAt: instances.createdAt,
        updatedAt: instances.updatedAt,
      })
      .from(instances)
      .innerJoin(plans, eq(plans.id, instances.planId))
      .leftJoin(users, eq(users.id, instances.ownerId))
      .leftJoin(clusters, eq(clusters.id, instances.clusterId))
      .leftJoin(instanceBilling, eq(instanceBilling.instanceId, instances.id))
      .$dynamic();
  }
}

function instanceConditions(filters: AdminInstanceFilters): (SQL | undefined)[] {
  const q = filters.q?.trim();
  return [
    // Deleted instances only when asked for by status.
    filters.status === 'deleted' ? or(isNotNull(instances.deletedAt), eq(instances.status, 'deleted')) : isNull(instances.deletedAt),
    filters.status && filters.status !== 'deleted' ? eq(instances.status, filters.status) : undefined,
    filters.userId ? eq(instances.ownerId, filters.userId) : undefined,
    filters.clusterId ? eq(instances.clusterId, filters.clusterId) : undefined,
    filters.planId ? eq(instances.planId, filters.planId) : undefined,
    filters.guest === undefined ? undefined : sql`coalesce(${users.isAnonymous}, false) = ${filters.guest}`,
    filters.unpaid === undefined
      ? undefined
      : filters.unpaid
        ? and(eq(plans.tier, 'production'), or(isNull(instanceBilling.state), ne(instanceBilling.state, 'active')))
        : or(ne(plans.tier, 'production'), eq(instanceBilling.state, 'active')),
    q ? or(eq(instances.id, q), ilike(instances.name, contains(q)), ilike(users.email, contains(q))) : undefined,
  ];
}
