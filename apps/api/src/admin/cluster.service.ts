import { type CreateCluster, InstanceReconcileV1, type UpdateCluster } from '@zapdeploy/contracts';
import type { AdminAuditRepository, ClusterRepository, ClusterUsage, Db, OutboxMessage, OutboxRepository } from '@zapdeploy/db';
import {
  assertCanMove,
  type ClusterCapacity,
  type ClusterKind,
  type ClusterProbe,
  ClusterProbeError,
  DomainError,
  type DrainPlan,
  notFound,
  planDrain,
} from '@zapdeploy/domain';
import { withIntent } from '../infrastructure/intent.js';
import type { AdminActor } from './admin-actor.js';
import { auditSnapshot, storedProbeError } from './cluster.mapper.js';

export type ClusterServiceDeps = {
  readonly db: Db;
  readonly clusters: ClusterRepository;
  readonly audit: AdminAuditRepository;
  readonly outbox: OutboxRepository;
  readonly probe: ClusterProbe;
  /** Publishes a message at once after commit (fast path); the outbox relay still guarantees delivery. */
  readonly publishNow: (message: OutboxMessage) => Promise<void>;
  readonly log: (line: string) => void;
};

export type MoveRecorded = { readonly id: string; readonly clusterId: string | null; readonly targetClusterId: string; readonly generation: number };

/**
 * The operators' use cases on clusters. Credentials are checked by connecting before anything is saved; every change
 * is audited in its own transaction; moves (one, or a drain's) are recorded as the instance's wanted cluster with a
 * generation bump and a reconcile nudge through the outbox, and the workers carry them out.
 */
export class ClusterService {
  constructor(private readonly deps: ClusterServiceDeps) {}

  list(): Promise<ClusterUsage[]> {
    return this.deps.clusters.list();
  }

  async get(id: string): Promise<ClusterUsage> {
    const cluster = await this.deps.clusters.find(id);
    if (!cluster) throw notFound('cluster');
    return cluster;
  }

  async create(actor: AdminActor, input: CreateCluster): Promise<ClusterUsage> {
    const { clusters, audit } = this.deps;
    if (await clusters.nameTaken(input.name)) throw new DomainError('conflict', 'cluster_name_taken', { name: input.name });
    const capacity = await this.check(input.kind, input.credentials);
    return this.withIntent(async (tx) => {
      if (await clusters.nameTaken(input.name, tx)) throw new DomainError('conflict', 'cluster_name_taken', { name: input.name });
      const id = await clusters.create(
        {
          name: input.name,
          kind: input.kind,
          region: input.region,
          credentials: input.credentials,
          registry: input.registry ?? null,
          storageClass: input.storageClass ?? null,
          monthlyCostCents: input.monthlyCostCents,
          capacity,
        },
        tx,
      );
      const created = await clusters.find(id, tx);
      if (!created) throw new Error('cluster vanished inside its own transaction');
      await audit.record({ ...this.who(actor), action: 'cluster.create', targetType: 'cluster', targetId: id, after: auditSnapshot(created) }, tx);
      return created;
    });
  }

  async update(actor: AdminActor, id: string, input: UpdateCluster): Promise<{ cluster: ClusterUsage; drain?: DrainPlan }> {
    const { clusters, audit } = this.deps;
    const current = await clusters.find(id);
    if (!current) throw notFound('cluster');
    if (input.name !== undefined && (await clusters.nameTaken(input.name, this.deps.db, id))) {
      throw new DomainError('conflict', 'cluster_name_taken', { name: input.name });
    }
    const capacity = input.credentials === undefined ? undefined : await this.check(current.kind, input.credentials);
    return this.withIntent(async (tx, announce) => {
      await clusters.lockAll(tx);
      const before = await clusters.find(id, tx);
      if (!before) throw notFound('cluster');
      if (input.name !== undefined && (await clusters.nameTaken(input.name, tx, id)))
        throw new DomainError('conflict', 'cluster_name_taken', { name: input.name });
      await clusters.update(id, { ...input, ...(capacity ? { capacity } : {}) }, tx);
      const drain = input.status === 'draining' ? await this.drain(id, tx, announce) : undefined;
      const after = await clusters.find(id, tx);
      if (!after) throw notFound('cluster');
      await audit.record(
        {
          ...this.who(actor),
          action: 'cluster.update',
          targetType: 'cluster',
          targetId: id,
          before: auditSnapshot(before),
          after: { ...auditSnapshot(after), ...(input.credentials !== undefined ? { reconnected: true } : {}), ...(drain ? { drain } : {}) },
        },
        tx,
      );
      return { cluster: after, ...(drain ? { drain } : {}) };
    });
  }

  async remove(actor: AdminActor, id: string): Promise<void> {
    const { clusters, audit } = this.deps;
    await this.withIntent(async (tx) => {
      await clusters.lockAll(tx);
      const cluster = await clusters.find(id, tx);
      if (!cluster) throw notFound('cluster');
      const live = await clusters.liveInstances(id, tx);
      if (live > 0) throw new DomainError('conflict', 'cluster_not_empty', { cluster: cluster.name, count: live });
      await clusters.delete(id, tx);
      await audit.record({ ...this.who(actor), action: 'cluster.delete', targetType: 'cluster', targetId: id, before: auditSnapshot(cluster) }, tx);
    });
  }

  /** Records that an instance should run on `clusterId` (the domain's move rule decides whether it may). */
  async move(actor: AdminActor, instanceId: string, clusterId: string): Promise<MoveRecorded> {
    const { clusters, audit } = this.deps;
    return this.withIntent(async (tx, announce) => {
      await clusters.lockAll(tx);
      const instance = await clusters.placedInstance(instanceId, tx);
      if (!instance) throw notFound('instance');
      if (instance.desiredState === 'deleted') throw new DomainError('conflict', 'instance_deleted');
      const target = (await clusters.loads(tx)).find((cluster) => cluster.id === clusterId);
      if (!target) throw notFound('cluster');
      assertCanMove(instance, target);
      const generation = await clusters.recordMove(instanceId, clusterId, tx);
      if (generation === undefined) throw notFound('instance');
      await announce(reconcile(instanceId, generation));
      await audit.record(
        {
          ...this.who(actor),
          action: 'instance.move',
          targetType: 'instance',
          targetId: instanceId,
          before: { clusterId: instance.clusterId, targetClusterId: instance.targetClusterId },
          after: { clusterId: instance.clusterId, targetClusterId: clusterId },
        },
        tx,
      );
      return { id: instanceId, clusterId: instance.clusterId, targetClusterId: clusterId, generation };
    });
  }

  /** Reads every cluster's capacity again; a failure is kept as the cluster's last error (its last capacity stays). */
  async refreshAll(): Promise<void> {
    for (const cluster of await this.deps.clusters.list()) {
      const credentials = await this.deps.clusters.credentials(cluster.id);
      if (credentials === undefined) continue;
      try {
        await this.deps.clusters.recordProbe(cluster.id, { capacity: await this.deps.probe.probe(cluster.kind, credentials) });
      } catch (error) {
        const failure = error instanceof ClusterProbeError ? error : new ClusterProbeError('unexpected_answer');
        if (!(error instanceof ClusterProbeError))
          this.deps.log(`cluster ${cluster.name}: probe failed: ${error instanceof Error ? error.message : String(error)}`);
        await this.deps.clusters.recordProbe(cluster.id, { error: storedProbeError(failure.reason, failure.field || failure.endpoint) });
      }
    }
  }

  /** Moves (recorded) for every instance of a draining cluster that another active cluster has room for. */
  private async drain(id: string, tx: Db, announce: (message: OutboxMessage) => Promise<void>): Promise<DrainPlan> {
    const { clusters } = this.deps;
    const plan = planDrain(id, await clusters.instancesOn(id, tx), await clusters.loads(tx));
    for (const move of plan.moves) {
      const generation = await clusters.recordMove(move.instanceId, move.targetClusterId, tx);
      if (generation !== undefined) await announce(reconcile(move.instanceId, generation));
    }
    return plan;
  }

  /** Connects with the credentials; a failure is the problem `cluster_unreachable` (nothing is saved). */
  private async check(kind: ClusterKind, credentials: string): Promise<ClusterCapacity> {
    try {
      return await this.deps.probe.probe(kind, credentials);
    } catch (error) {
      if (!(error instanceof ClusterProbeError)) throw error;
      throw new DomainError('invalid', 'cluster_unreachable', { reason: error.reason, endpoint: error.endpoint, field: error.field });
    }
  }

  private who(actor: AdminActor) {
    return { actorId: actor.userId, ip: actor.ip, requestId: actor.requestId };
  }

  private withIntent<T>(work: (tx: Db, announce: (message: OutboxMessage) => Promise<void>) => Promise<T>): Promise<T> {
    return withIntent(this.deps, work);
  }
}

function reconcile(instanceId: string, generation: number): OutboxMessage {
  return { name: InstanceReconcileV1.name, version: InstanceReconcileV1.version, payload: { instanceId, generation, reason: 'move' } };
}
