import { type AppliedLimits, type DesiredState, type InstanceStatus, type Plan, SYSTEM_PAUSE_REASONS } from '@zapdeploy/domain';
import { and, eq, exists, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { deployments, instances, plans, workerLeases } from '../schema.js';
import { type Lease, leaseIsLive } from './lease.repository.js';

export type WorkItem = {
  readonly id: string;
  readonly ownerId: string | null;
  readonly repoUrl: string;
  readonly branch: string | null;
  readonly rootDir: string;
  readonly githubInstallationId: string | null;
  readonly desiredState: DesiredState;
  readonly status: InstanceStatus;
  readonly statusReason: string | null;
  readonly generation: number;
  readonly observedGeneration: number;
  readonly restartRequests: number;
  /** Session resets asked for but not done yet. */
  readonly pendingSessionResets: number;
  readonly sessionResets: number;
  readonly plan: Plan;
  /** The plan and limits its workload was last (re)started with (null: none recorded): see keptLimits. */
  readonly appliedLimits: AppliedLimits | null;
  /** Where it runs (null: not placed yet: see ClusterRepository.place). */
  readonly clusterId: string | null;
  /** Where it should move (an operator's move or a drain); cleared by `completeMove`. */
  readonly targetClusterId: string | null;
  readonly deployment: {
    readonly id: string;
    readonly number: number;
    readonly status: string;
    readonly image: string | null;
    readonly commitSha: string | null;
  } | null;
};

/**
 * What workers read and write about instances. Not owner-scoped (workers act for the platform), but
 * every write is fenced by the caller's reconcile lease.
 */
export class WorkerInstanceRepository {
  constructor(private readonly db: Db) {}

  async load(id: string): Promise<WorkItem | undefined> {
    const [row] = await this.db
      .select({ instance: instances, plan: plans, deployment: deployments })
      .from(instances)
      .innerJoin(plans, eq(plans.id, instances.planId))
      .leftJoin(deployments, eq(deployments.id, instances.currentDeploymentId))
      .where(and(eq(instances.id, id), isNull(instances.deletedAt)));
    if (!row) return undefined;
    const { instance: i, plan: p, deployment: d } = row;
    return {
      id: i.id,
      ownerId: i.ownerId,
      repoUrl: i.repoUrl,
      branch: i.branch,
      rootDir: i.rootDir,
      githubInstallationId: i.githubInstallationId,
      desiredState: i.desiredState as DesiredState,
      status: i.status as InstanceStatus,
      statusReason: i.statusReason,
      generation: i.generation,
      observedGeneration: i.observedGeneration,
      restartRequests: i.restartRequests,
      pendingSessionResets: i.sessionResets - i.sessionResetsApplied,
      sessionResets: i.sessionResets,
      clusterId: i.clusterId,
      targetClusterId: i.targetClusterId,
      plan: {
        id: p.id,
        slug: p.slug,
        name: p.name,
        priceCents: p.priceCents,
        currency: 'BRL',
        cpuMillis: p.cpuMillis,
        memoryMb: p.memoryMb,
        diskMb: p.diskMb,
        tier: p.tier,
      },
      appliedLimits:
        i.appliedPlanId !== null && i.appliedCpuMillis !== null && i.appliedMemoryMb !== null && i.appliedDiskMb !== null
          ? { planId: i.appliedPlanId, cpuMillis: i.appliedCpuMillis, memoryMb: i.appliedMemoryMb, diskMb: i.appliedDiskMb }
          : null,
      deployment: d ? { id: d.id, number: d.number, status: d.status, image: d.image, commitSha: d.commitSha } : null,
    };
  }

  /** The tenant an instance's objects belong to on a shared engine: its owner (or the instance itself, if it has none). */
  async tenantOf(id: string): Promise<string> {
    const [row] = await this.db.select({ ownerId: instances.ownerId }).from(instances).where(eq(instances.id, id));
    if (!row) throw new Error(`instance ${id} does not exist`);
    return row.ownerId ?? id;
  }

  /** The cluster an instance is placed on (null: not placed yet). */
  async clusterOf(id: string): Promise<string | null> {
    const [row] = await this.db.select({ clusterId: instances.clusterId }).from(instances).where(eq(instances.id, id));
    return row?.clusterId ?? null;
  }

  /** A deployment whose image is not on the host a move reached: built again there. */
  async deploymentRequeued(deploymentId: string): Promise<void> {
    await this.db.update(deployments).set({ status: 'queued', image: null }).where(eq(deployments.id, deploymentId));
  }

  /** A deployment's image, again: where it lives after a move to another cluster (its registry). */
  async relocateImage(deploymentId: string, image: string): Promise<void> {
    await this.db.update(deployments).set({ image }).where(eq(deployments.id, deploymentId));
  }

  /** What a tenant's instances that are not deleted may use together: the sum of their plans. */
  async tenantAllowance(tenantId: string): Promise<{ memoryMb: number; cpuMillis: number; instances: number }> {
    const [row] = await this.db
      .select({
        memoryMb: sql<number>`coalesce(sum(${plans.memoryMb}), 0)::int`,
        cpuMillis: sql<number>`coalesce(sum(${plans.cpuMillis}), 0)::int`,
        instances: sql<number>`count(*)::int`,
      })
      .from(instances)
      .innerJoin(plans, eq(plans.id, instances.planId))
      .where(and(isNull(instances.deletedAt), or(eq(instances.ownerId, tenantId), and(isNull(instances.ownerId), eq(instances.id, tenantId)))));
    return { memoryMb: row?.memoryMb ?? 0, cpuMillis: row?.cpuMillis ?? 0, instances: row?.instances ?? 0 };
  }

  /** Instances that are not deleted (resync walks them all). */
  async listLiveIds(): Promise<string[]> {
    const rows = await this.db.select({ id: instances.id }).from(instances).where(isNull(instances.deletedAt));
    return rows.map((r) => r.id);
  }

  /** Instances that should be running and whose logs nobody follows. */
  async listRunningWithoutFollower(): Promise<string[]> {
    const rows = await this.db
      .select({ id: instances.id })
      .from(instances)
      .where(
        and(
          isNull(instances.deletedAt),
          eq(instances.desiredState, 'running'),
          inArray(instances.status, ['starting', 'running', 'crashed']),
          sql`not ${exists(
            this.db
              .select({ one: sql`1` })
              .from(workerLeases)
              .where(and(eq(workerLeases.resource, sql`'logs:' || ${instances.id}`), gt(workerLeases.expiresAt, sql`now()`))),
          )}`,
        ),
      );
    return rows.map((r) => r.id);
  }

  /**
   * Disk allowance (MB) of live instances meant to run, with their owners: the one they were (re)started with while
   * they are on that plan (see keptLimits), else their plan's.
   */
  async diskLimits(): Promise<Map<string, { diskMb: number; ownerId: string | null; generation: number }>> {
    const diskMb = sql<number>`case when ${instances.appliedPlanId} = ${instances.planId} and ${instances.appliedDiskMb} is not null then ${instances.appliedDiskMb} else ${plans.diskMb} end`;
    const rows = await this.db
      .select({ id: instances.id, diskMb, ownerId: instances.ownerId, generation: instances.generation })
      .from(instances)
      .innerJoin(plans, eq(plans.id, instances.planId))
      .where(and(isNull(instances.deletedAt), eq(instances.desiredState, 'running')));
    return new Map(rows.map((r) => [r.id, { diskMb: r.diskMb, ownerId: r.ownerId, generation: r.generation }]));
  }

  /**
   * Pauses an instance that went over its plan's disk, saying why, with an outbox nudge in the same
   * transaction (workers stop it); only if it is still meant to run.
   */
  async pauseForDisk(id: string, reason: string, nudge: (generation: number, tx: Db) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx
        .update(instances)
        .set({
          // The status turns `paused` when a reconciler has stopped the container; the reason says why.
          desiredState: 'paused',
          statusReason: reason,
          generation: sql`${instances.generation} + 1`,
          statusChangedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(instances.id, id), eq(instances.desiredState, 'running'), isNull(instances.deletedAt)))
        .returning({ generation: instances.generation });
      const row = rows[0];
      if (!row) return false;
      await nudge(row.generation, tx);
      return true;
    });
  }

  /** Sets status (and reason) if the lease is still ours; returns whether it changed anything. */
  async setStatus(id: string, lease: Lease, status: InstanceStatus, reason: string | null): Promise<boolean> {
    const rows = await this.db
      .update(instances)
      .set({
        status,
        // A step that started before the platform paused the instance (disk, payment) must not wipe why.
        statusReason: sql`case when ${instances.desiredState} = 'paused' and split_part(${instances.statusReason}, ':', 1) in (${sql.join(
          SYSTEM_PAUSE_REASONS.map((code) => sql`${code}`),
          sql`, `,
        )}) then ${instances.statusReason} else ${reason} end`,
        statusChangedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(instances.id, id), this.holds(lease), or(ne(instances.status, status), sql`${instances.statusReason} is distinct from ${reason}`)))
      .returning({ id: instances.id });
    return rows.length > 0;
  }

  async sessionResetsApplied(id: string, lease: Lease, count: number): Promise<void> {
    await this.db
      .update(instances)
      .set({ sessionResetsApplied: count })
      .where(and(eq(instances.id, id), this.holds(lease)));
  }

  /** Records the plan and limits the instance's workload runs with (see keptLimits), if the lease is still ours. */
  async limitsApplied(id: string, lease: Lease, applied: AppliedLimits): Promise<void> {
    await this.db
      .update(instances)
      .set({ appliedPlanId: applied.planId, appliedCpuMillis: applied.cpuMillis, appliedMemoryMb: applied.memoryMb, appliedDiskMb: applied.diskMb })
      .where(and(eq(instances.id, id), this.holds(lease)));
  }

  async markObserved(id: string, lease: Lease, generation: number): Promise<void> {
    await this.db
      .update(instances)
      .set({ observedGeneration: generation })
      .where(and(eq(instances.id, id), this.holds(lease)));
  }

  /**
   * The instance now runs on `clusterId`, the move recorded to it done (only while it is still the move wanted and
   * the lease is ours); whether it changed anything.
   */
  async completeMove(id: string, lease: Lease, clusterId: string): Promise<boolean> {
    const rows = await this.db
      .update(instances)
      .set({ clusterId, targetClusterId: null, updatedAt: new Date() })
      .where(and(eq(instances.id, id), eq(instances.targetClusterId, clusterId), this.holds(lease)))
      .returning({ id: instances.id });
    return rows.length > 0;
  }

  async markDeleted(id: string, lease: Lease): Promise<boolean> {
    const rows = await this.db
      .update(instances)
      .set({ status: 'deleted', deletedAt: new Date(), statusChangedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(instances.id, id), this.holds(lease)))
      .returning({ id: instances.id });
    return rows.length > 0;
  }

  /** Every deployment of an instance (their build logs go with it). */
  async deploymentIds(instanceId: string): Promise<string[]> {
    const rows = await this.db.select({ id: deployments.id }).from(deployments).where(eq(deployments.instanceId, instanceId));
    return rows.map((row) => row.id);
  }

  async deploymentStarted(deploymentId: string, status: 'building' | 'deploying'): Promise<void> {
    await this.db
      .update(deployments)
      .set({ status, startedAt: sql`coalesce(${deployments.startedAt}, now())` })
      .where(eq(deployments.id, deploymentId));
  }

  async deploymentBuilt(deploymentId: string, image: string, commitSha: string, sessionPersistence: boolean): Promise<void> {
    await this.db.update(deployments).set({ status: 'deploying', image, commitSha, sessionPersistence }).where(eq(deployments.id, deploymentId));
  }

  async deploymentFailed(deploymentId: string, error: string): Promise<void> {
    await this.db.update(deployments).set({ status: 'failed', error, finishedAt: new Date() }).where(eq(deployments.id, deploymentId));
  }

  /** The deployment is what runs now; earlier live ones are superseded. */
  async deploymentLive(instanceId: string, deploymentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx
        .update(deployments)
        .set({ status: 'superseded' })
        .where(and(eq(deployments.instanceId, instanceId), eq(deployments.status, 'live'), ne(deployments.id, deploymentId)));
      await tx
        .update(deployments)
        .set({ status: 'live', finishedAt: sql`coalesce(${deployments.finishedAt}, now())` })
        .where(eq(deployments.id, deploymentId));
    });
  }

  /** The images worth keeping once `deploymentId` is live: its own and the latest superseded one's (a rollback). */
  async imagesToKeep(instanceId: string, deploymentId: string): Promise<string[]> {
    const rows = await this.db
      .select({ id: deployments.id, image: deployments.image })
      .from(deployments)
      .where(
        and(
          eq(deployments.instanceId, instanceId),
          or(eq(deployments.id, deploymentId), and(eq(deployments.status, 'superseded'), sql`${deployments.image} is not null`)),
        ),
      )
      .orderBy(sql`${deployments.id} = ${deploymentId} desc`, sql`${deployments.number} desc`)
      .limit(2);
    return rows.map((row) => row.image).filter((image): image is string => image !== null);
  }

  async deploymentError(deploymentId: string): Promise<string | null> {
    const [row] = await this.db.select({ error: deployments.error }).from(deployments).where(eq(deployments.id, deploymentId));
    return row?.error ?? null;
  }

  private holds(lease: Lease) {
    return exists(this.db.select({ one: sql`1` }).from(workerLeases).where(leaseIsLive(lease)));
  }
}
