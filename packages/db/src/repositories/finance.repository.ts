import type { CostPeriod, ExpectedRenewal, FinanceCostLine, FinanceMonth, FinancePayment, Placement } from '@zapdeploy/domain';
import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { clusterCostPeriods, clusters, costLines, instanceBilling, instances, payments, plans } from '../schema.js';

export type CostLineRecord = {
  readonly id: string;
  readonly month: string;
  readonly label: string;
  readonly amountCents: number;
  readonly createdBy: string | null;
  readonly createdAt: Date;
};

/** What the finance figures of a month are computed from (see computeFinance in the domain). */
export type FinanceSources = {
  readonly plans: ReadonlyMap<string, string>;
  readonly payments: FinancePayment[];
  readonly costPeriods: CostPeriod[];
  readonly clusterMemoryMb: ReadonlyMap<string, number | null>;
  readonly placements: Placement[];
  readonly costLines: FinanceCostLine[];
};

const costLineColumns = {
  id: costLines.id,
  month: costLines.month,
  label: costLines.label,
  amountCents: costLines.amountCents,
  createdBy: costLines.createdBy,
  createdAt: costLines.createdAt,
};

/** Reads what finance needs (payments, cluster cost periods, placements, cost lines) and keeps the cost lines. */
export class FinanceRepository {
  constructor(private readonly db: Db) {}

  async sources(month: FinanceMonth, tx: Db = this.db): Promise<FinanceSources> {
    const { start, end } = month;
    const [planRows, paymentRows, periodRows, clusterRows, placementRows, lineRows] = await Promise.all([
      tx.select({ id: plans.id, name: plans.name }).from(plans),
      // Applied this month, or (applied at any time and) reversed this month.
      tx
        .select({
          planId: payments.planId,
          method: payments.method,
          amountCents: payments.amountCents,
          approvedAt: payments.approvedAt,
          reversedAt: payments.reversedAt,
        })
        .from(payments)
        .where(
          or(
            and(gte(payments.approvedAt, start), lt(payments.approvedAt, end)),
            and(isNotNull(payments.approvedAt), gte(payments.reversedAt, start), lt(payments.reversedAt, end)),
          ),
        ),
      tx
        .select({
          clusterId: clusterCostPeriods.clusterId,
          clusterName: clusterCostPeriods.clusterName,
          monthlyCostCents: clusterCostPeriods.monthlyCostCents,
          startedAt: clusterCostPeriods.startedAt,
          endedAt: clusterCostPeriods.endedAt,
        })
        .from(clusterCostPeriods)
        .where(and(lt(clusterCostPeriods.startedAt, end), or(isNull(clusterCostPeriods.endedAt), gt(clusterCostPeriods.endedAt, start))))
        .orderBy(asc(clusterCostPeriods.startedAt), asc(clusterCostPeriods.id)),
      tx.select({ id: clusters.id, memoryMb: clusters.allocatableMemoryMb }).from(clusters),
      // Instances placed on a cluster that were live at some time of the month, with their plan's memory.
      tx
        .select({
          clusterId: instances.clusterId,
          planId: instances.planId,
          memoryMb: plans.memoryMb,
          createdAt: instances.createdAt,
          deletedAt: instances.deletedAt,
        })
        .from(instances)
        .innerJoin(plans, eq(plans.id, instances.planId))
        .where(and(isNotNull(instances.clusterId), lt(instances.createdAt, end), or(isNull(instances.deletedAt), gte(instances.deletedAt, start)))),
      tx.select(costLineColumns).from(costLines).where(eq(costLines.month, month.key)).orderBy(asc(costLines.createdAt), asc(costLines.id)),
    ]);
    return {
      plans: new Map(planRows.map((row) => [row.id, row.name])),
      payments: paymentRows,
      costPeriods: periodRows,
      clusterMemoryMb: new Map(clusterRows.map((row) => [row.id, row.memoryMb])),
      placements: placementRows.flatMap((row) => (row.clusterId ? [{ ...row, clusterId: row.clusterId }] : [])),
      costLines: lineRows.map((row) => ({ id: row.id, label: row.label, amountCents: row.amountCents })),
    };
  }

  /**
   * Renewals due from `now` to `until`: each live instance whose paid period (active, not a courtesy grant) ends then
   * renews once, at the current price of the plan it will be on (a scheduled downgrade applies at the period's end).
   */
  async expectedRenewals(now: Date, until: Date, tx: Db = this.db): Promise<ExpectedRenewal[]> {
    const next = alias(plans, 'next_plan');
    const rows = await tx
      .select({ planId: next.id, method: instanceBilling.method, amountCents: next.priceCents, tier: next.tier })
      .from(instanceBilling)
      .innerJoin(instances, eq(instances.id, instanceBilling.instanceId))
      .innerJoin(next, eq(next.id, sql`coalesce(${instanceBilling.scheduledPlanId}, ${instanceBilling.planId})`))
      .where(
        and(
          eq(instanceBilling.state, 'active'),
          inArray(instanceBilling.method, ['pix', 'card']),
          gte(instanceBilling.paidUntil, now),
          lt(instanceBilling.paidUntil, until),
          isNull(instances.deletedAt),
          ne(instances.desiredState, 'deleted'),
        ),
      );
    return rows
      .filter((row) => row.tier === 'production' && row.amountCents > 0)
      .map((row) => ({ planId: row.planId, method: row.method ?? '', amountCents: row.amountCents }));
  }

  async listCostLines(month: string, tx: Db = this.db): Promise<CostLineRecord[]> {
    return tx.select(costLineColumns).from(costLines).where(eq(costLines.month, month)).orderBy(asc(costLines.createdAt), asc(costLines.id));
  }

  async createCostLine(
    input: { readonly month: string; readonly label: string; readonly amountCents: number; readonly createdBy: string | null },
    tx: Db = this.db,
  ): Promise<CostLineRecord> {
    const [row] = await tx
      .insert(costLines)
      .values({ id: newId('col'), ...input })
      .returning(costLineColumns);
    if (!row) throw new Error('cost line insert returned nothing');
    return row;
  }

  async findCostLine(id: string, tx: Db = this.db): Promise<CostLineRecord | undefined> {
    const [row] = await tx.select(costLineColumns).from(costLines).where(eq(costLines.id, id));
    return row;
  }

  /** False when there is no such line. */
  async deleteCostLine(id: string, tx: Db = this.db): Promise<boolean> {
    const rows = await tx.delete(costLines).where(eq(costLines.id, id)).returning({ id: costLines.id });
    return rows.length > 0;
  }
}
