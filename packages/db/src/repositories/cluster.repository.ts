import {
  type ClusterCapacity,
  type ClusterKind,
  type ClusterLoad,
  type ClusterStatus,
  cpuOvercommitOf,
  type PlacedInstance,
  placeInstance,
} from '@zapdeploy/domain';
import { and, asc, count, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { clusters, instances, plans } from '../schema.js';
import type { SecretBox } from '../secret-box.js';
import { costPeriods } from './cluster-cost-periods.js';

/** A cluster without its credentials (those are read apart, by `credentials`). */
export type ClusterRecord = {
  readonly id: string;
  readonly name: string;
  readonly kind: ClusterKind;
  readonly region: string;
  readonly registry: string | null;
  readonly storageClass: string | null;
  readonly status: ClusterStatus;
  readonly monthlyCostCents: number;
  readonly capacityMemoryMb: number | null;
  readonly capacityCpuMillis: number | null;
  readonly allocatableMemoryMb: number | null;
  readonly allocatableCpuMillis: number | null;
  readonly lastCheckedAt: Date | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
};

/** A cluster with what is asked of it: the plans of live instances placed there or on their way there. */
export type ClusterUsage = ClusterRecord & {
  readonly requestedMemoryMb: number;
  readonly requestedCpuMillis: number;
  /** Live instances placed there. */
  readonly instanceCount: number;
};

export type NewCluster = {
  readonly name: string;
  readonly kind: ClusterKind;
  readonly region: string;
  readonly credentials: string;
  readonly registry: string | null;
  readonly storageClass: string | null;
  readonly monthlyCostCents: number;
  readonly capacity?: ClusterCapacity;
};

export type ClusterChanges = {
  readonly name?: string;
  readonly region?: string;
  readonly status?: ClusterStatus;
  readonly registry?: string | null;
  readonly storageClass?: string | null;
  readonly monthlyCostCents?: number;
  readonly credentials?: string;
  readonly capacity?: ClusterCapacity;
};

/** SecretBox purpose of cluster credentials. */
export const CLUSTER_CREDENTIALS_PURPOSE = 'cluster-credentials';

/** The platform's own cluster: the runtime it was started with (ZAPDEPLOY_RUNTIME). */
export const DEFAULT_CLUSTER_NAME = 'local';

const recordColumns = {
  id: clusters.id,
  name: clusters.name,
  kind: clusters.kind,
  region: clusters.region,
  registry: clusters.registry,
  storageClass: clusters.storageClass,
  status: clusters.status,
  monthlyCostCents: clusters.monthlyCostCents,
  capacityMemoryMb: clusters.capacityMemoryMb,
  capacityCpuMillis: clusters.capacityCpuMillis,
  allocatableMemoryMb: clusters.allocatableMemoryMb,
  allocatableCpuMillis: clusters.allocatableCpuMillis,
  lastCheckedAt: clusters.lastCheckedAt,
  lastError: clusters.lastError,
  createdAt: clusters.createdAt,
  updatedAt: clusters.updatedAt,
};

function capacityColumns(capacity: ClusterCapacity | undefined, at: Date) {
  if (!capacity) return {};
  return {
    capacityMemoryMb: capacity.capacityMemoryMb,
    capacityCpuMillis: capacity.capacityCpuMillis,
    allocatableMemoryMb: capacity.allocatableMemoryMb,
    allocatableCpuMillis: capacity.allocatableCpuMillis,
    lastCheckedAt: at,
    lastError: null,
  };
}

/**
 * Clusters, their sealed credentials, and where instances are placed. Placement decisions lock every cluster row
 * (`lockAll`) so that two deciders never fill the same room twice.
 */
export class ClusterRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async list(tx: Db = this.db): Promise<ClusterUsage[]> {
    return this.usage(tx).orderBy(asc(clusters.name));
  }

  async find(id: string, tx: Db = this.db): Promise<ClusterUsage | undefined> {
    const [row] = await this.usage(tx).where(eq(clusters.id, id));
    return row;
  }

  async nameTaken(name: string, tx: Db = this.db, exceptId?: string): Promise<boolean> {
    const rows = await tx.select({ id: clusters.id }).from(clusters).where(eq(clusters.name, name));
    return rows.some((row) => row.id !== exceptId);
  }

  /** The cluster's credentials in clear (for the runtime and the probe only; never for a response). */
  async credentials(id: string, tx: Db = this.db): Promise<string | undefined> {
    const [row] = await tx.select({ sealed: clusters.credentialsEncrypted }).from(clusters).where(eq(clusters.id, id));
    return row ? this.secrets.open(row.sealed, credentialsContext(id)) : undefined;
  }

  async create(input: NewCluster, tx: Db = this.db, now = new Date()): Promise<string> {
    const id = newId('clu');
    await tx.insert(clusters).values({
      id,
      name: input.name,
      kind: input.kind,
      region: input.region,
      credentialsEncrypted: this.secrets.seal(input.credentials, credentialsContext(id)),
      registry: input.registry,
      storageClass: input.storageClass,
      monthlyCostCents: input.monthlyCostCents,
      ...capacityColumns(input.capacity, now),
      createdAt: now,
      updatedAt: now,
    });
    await costPeriods.open(tx, { id, name: input.name, monthlyCostCents: input.monthlyCostCents }, now);
    return id;
  }

  /**
   * False when there is no such cluster. A new monthly cost closes the cluster's cost period and opens another (call
   * it inside a transaction, as ClusterService does).
   */
  async update(id: string, changes: ClusterChanges, tx: Db = this.db, now = new Date()): Promise<boolean> {
    const { credentials, capacity, ...columns } = changes;
    const [before] = await tx.select({ name: clusters.name, monthlyCostCents: clusters.monthlyCostCents }).from(clusters).where(eq(clusters.id, id));
    if (!before) return false;
    const rows = await tx
      .update(clusters)
      .set({
        ...columns,
        ...(credentials !== undefined ? { credentialsEncrypted: this.secrets.seal(credentials, credentialsContext(id)) } : {}),
        ...capacityColumns(capacity, now),
        updatedAt: now,
      })
      .where(eq(clusters.id, id))
      .returning({ id: clusters.id, name: clusters.name, monthlyCostCents: clusters.monthlyCostCents });
    const [after] = rows;
    if (!after) return false;
    if (after.monthlyCostCents !== before.monthlyCostCents) {
      await costPeriods.close(tx, id, now);
      await costPeriods.open(tx, after, now);
    } else if (after.name !== before.name) {
      await costPeriods.rename(tx, id, after.name);
    }
    return true;
  }

  /** What the last read of the cluster gave: its capacity, or why it failed (the capacity read before is kept). */
  async recordProbe(id: string, outcome: { readonly capacity: ClusterCapacity } | { readonly error: string }, now = new Date()): Promise<void> {
    await this.db
      .update(clusters)
      .set('capacity' in outcome ? capacityColumns(outcome.capacity, now) : { lastCheckedAt: now, lastError: outcome.error })
      .where(eq(clusters.id, id));
  }

  /** Live instances placed on the cluster or on their way to it (a cluster with any is not removed). */
  async liveInstances(id: string, tx: Db = this.db): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(instances)
      .where(and(isNull(instances.deletedAt), or(eq(instances.clusterId, id), eq(instances.targetClusterId, id))));
    return row?.n ?? 0;
  }

  /**
   * Removes a cluster that no live instance uses (check `liveInstances` first, in the same transaction); deleted
   * instances forget they ran there. False when there is no such cluster.
   */
  async delete(id: string, tx: Db, now = new Date()): Promise<boolean> {
    await tx
      .update(instances)
      .set({ clusterId: sql`case when ${instances.clusterId} = ${id} then null else ${instances.clusterId} end`, targetClusterId: null })
      .where(and(sql`${instances.deletedAt} is not null`, or(eq(instances.clusterId, id), eq(instances.targetClusterId, id))));
    const rows = await tx.delete(clusters).where(eq(clusters.id, id)).returning({ id: clusters.id });
    if (rows.length > 0) await costPeriods.close(tx, id, now);
    return rows.length > 0;
  }

  /** Locks every cluster row until the transaction ends: placement decisions are taken one at a time. */
  async lockAll(tx: Db): Promise<void> {
    await tx.select({ id: clusters.id }).from(clusters).orderBy(asc(clusters.id)).for('update');
  }

  /** Every cluster as placement sees it (take `lockAll` first when deciding). */
  async loads(tx: Db = this.db): Promise<ClusterLoad[]> {
    return (await this.list(tx)).map((cluster) => ({
      id: cluster.id,
      name: cluster.name,
      status: cluster.status,
      allocatableMemoryMb: cluster.allocatableMemoryMb,
      allocatableCpuMillis: cluster.allocatableCpuMillis,
      requestedMemoryMb: cluster.requestedMemoryMb,
      requestedCpuMillis: cluster.requestedCpuMillis,
      cpuOvercommit: cpuOvercommitOf(cluster.kind),
    }));
  }

  /** A live instance as a move sees it: where it runs, where it goes, its plan's demand; undefined when deleted. */
  async placedInstance(id: string, tx: Db = this.db): Promise<(PlacedInstance & { readonly desiredState: string }) | undefined> {
    const [row] = await this.placedInstances(tx).where(and(eq(instances.id, id), isNull(instances.deletedAt)));
    return row;
  }

  /** Live instances placed on a cluster that are not being deleted. */
  async instancesOn(clusterId: string, tx: Db = this.db): Promise<PlacedInstance[]> {
    return this.placedInstances(tx).where(and(eq(instances.clusterId, clusterId), isNull(instances.deletedAt), ne(instances.desiredState, 'deleted')));
  }

  /** Records where an instance should move and bumps its generation (the worker moves it); the new generation. */
  async recordMove(instanceId: string, targetClusterId: string, tx: Db): Promise<number | undefined> {
    const [row] = await tx
      .update(instances)
      .set({ targetClusterId, generation: sql`${instances.generation} + 1`, updatedAt: new Date() })
      .where(and(eq(instances.id, instanceId), isNull(instances.deletedAt)))
      .returning({ generation: instances.generation });
    return row?.generation;
  }

  /**
   * Places an instance that has no cluster yet (the worker, before its first start): the move target an operator
   * recorded if any, else the best fit. Null when nothing has room (`no_capacity`); the cluster it is on when it
   * already has one.
   */
  async place(instanceId: string): Promise<{ readonly clusterId: string } | null> {
    return this.db.transaction(async (tx) => {
      await this.lockAll(tx);
      const instance = await this.placedInstance(instanceId, tx);
      if (!instance) return null;
      if (instance.clusterId) return { clusterId: instance.clusterId };
      const chosen = instance.targetClusterId ?? placeInstance(await this.loads(tx), instance)?.id;
      if (!chosen) return null;
      await tx
        .update(instances)
        .set({ clusterId: chosen, targetClusterId: null, updatedAt: new Date() })
        .where(and(eq(instances.id, instanceId), isNull(instances.clusterId)));
      return { clusterId: chosen };
    });
  }

  /**
   * The platform's own cluster (named `local`) for the runtime it was started with; created once (the credentials
   * of a `local` that exists are left as an operator may have changed them). When it is created, live instances
   * that ran before clusters existed are placed on it. Safe to call from every process at every start.
   */
  async ensureDefaultCluster(input: { readonly kind: ClusterKind; readonly credentials: string }): Promise<{ readonly id: string; readonly created: boolean }> {
    return this.db.transaction(async (tx) => {
      const id = newId('clu');
      const inserted = await tx
        .insert(clusters)
        .values({
          id,
          name: DEFAULT_CLUSTER_NAME,
          kind: input.kind,
          region: DEFAULT_CLUSTER_NAME,
          credentialsEncrypted: this.secrets.seal(input.credentials, credentialsContext(id)),
        })
        .onConflictDoNothing({ target: clusters.name })
        .returning({ id: clusters.id });
      if (inserted.length === 0) {
        const [existing] = await tx.select({ id: clusters.id }).from(clusters).where(eq(clusters.name, DEFAULT_CLUSTER_NAME));
        if (!existing) throw new Error('the local cluster vanished while being ensured');
        return { id: existing.id, created: false };
      }
      await costPeriods.open(tx, { id, name: DEFAULT_CLUSTER_NAME, monthlyCostCents: 0 }, new Date());
      await tx
        .update(instances)
        .set({ clusterId: id })
        .where(and(isNull(instances.clusterId), isNull(instances.deletedAt)));
      return { id, created: true };
    });
  }

  private placedInstances(tx: Db) {
    return tx
      .select({
        id: instances.id,
        clusterId: instances.clusterId,
        targetClusterId: instances.targetClusterId,
        memoryMb: plans.memoryMb,
        cpuMillis: plans.cpuMillis,
        desiredState: instances.desiredState,
      })
      .from(instances)
      .innerJoin(plans, eq(plans.id, instances.planId))
      .orderBy(asc(instances.id))
      .$dynamic();
  }

  private usage(tx: Db) {
    return tx
      .select({
        ...recordColumns,
        requestedMemoryMb: sql<number>`coalesce(sum(${plans.memoryMb}), 0)`.mapWith(Number),
        requestedCpuMillis: sql<number>`coalesce(sum(${plans.cpuMillis}), 0)`.mapWith(Number),
        instanceCount: sql<number>`count(${instances.id}) filter (where ${instances.clusterId} = ${clusters.id})`.mapWith(Number),
      })
      .from(clusters)
      .leftJoin(instances, and(isNull(instances.deletedAt), or(eq(instances.clusterId, clusters.id), eq(instances.targetClusterId, clusters.id))))
      .leftJoin(plans, eq(plans.id, instances.planId))
      .groupBy(clusters.id)
      .$dynamic();
  }
}

/** Sealed credentials are bound to their row: a ciphertext copied to another cluster does not open. */
function credentialsContext(id: string): string {
  return `cluster-credentials:${id}`;
}
