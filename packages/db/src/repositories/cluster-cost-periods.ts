import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../database.js';
import { clusterCostPeriods } from '../schema.js';

/**
 * What each cluster cost over time (`cluster_cost_periods`), written by the cluster's own changes in their
 * transaction: a period opens when the cluster is added, closes and a new one opens when its monthly cost changes,
 * and closes when it is removed.
 */
export const costPeriods = {
  async open(tx: Db, cluster: { readonly id: string; readonly name: string; readonly monthlyCostCents: number }, at: Date): Promise<void> {
    await tx.insert(clusterCostPeriods).values({ clusterId: cluster.id, clusterName: cluster.name, monthlyCostCents: cluster.monthlyCostCents, startedAt: at });
  },

  async close(tx: Db, clusterId: string, at: Date): Promise<void> {
    await tx
      .update(clusterCostPeriods)
      .set({ endedAt: at })
      .where(and(eq(clusterCostPeriods.clusterId, clusterId), isNull(clusterCostPeriods.endedAt)));
  },

  /** A renamed cluster: its open period carries the new name (closed periods keep the name it had then). */
  async rename(tx: Db, clusterId: string, name: string): Promise<void> {
    await tx
      .update(clusterCostPeriods)
      .set({ clusterName: name })
      .where(and(eq(clusterCostPeriods.clusterId, clusterId), isNull(clusterCostPeriods.endedAt)));
  },
};
