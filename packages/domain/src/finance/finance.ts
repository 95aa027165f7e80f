/**
 * A month's money, from plain inputs (no I/O): revenue (applied payments minus refunds and chargebacks), what the
 * clusters cost (each period's monthly cost prorated by the days it was active), cost lines, the margin, and the
 * clusters' cost shared out to plans by the memory their instances request (the rest is idle capacity). The formulas
 * are in ARCHITECTURE.md ("Finance"). All money is BRL cents (integers); every day is a UTC calendar day.
 */

import type { PaymentMethod } from '../billing/billing.js';

const DAY_MS = 86_400_000;
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export type FinanceMonth = {
  /** YYYY-MM */
  readonly key: string;
  /** The first instant of the month (UTC). */
  readonly start: Date;
  /** The first instant of the next month (UTC): the month is [start, end). */
  readonly end: Date;
  readonly days: number;
};

/** `YYYY-MM` → the month, or undefined when it is not one. */
export function parseMonth(key: string): FinanceMonth | undefined {
  const match = MONTH_PATTERN.exec(key);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  const start = new Date(Date.UTC(year, month, 1));
  const end = new Date(Date.UTC(year, month + 1, 1));
  return { key, start, end, days: Math.round((end.getTime() - start.getTime()) / DAY_MS) };
}

/** The month an instant falls in (UTC). */
export function monthOf(at: Date): FinanceMonth {
  const key = `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
  const month = parseMonth(key);
  if (!month) throw new Error(`no month for ${at.toISOString()}`);
  return month;
}

/** Every month from `from` to `to`, both included (empty when `to` is before `from`). */
export function monthsBetween(from: FinanceMonth, to: FinanceMonth): FinanceMonth[] {
  const months: FinanceMonth[] = [];
  for (let at = from.start; at < to.end; at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1))) months.push(monthOf(at));
  return months;
}

/**
 * The whole UTC days of [from, to) inside the month: a day counts when its start is at or after `from`'s day and
 * before `to`'s day. So a period opened on the 15th (at any hour) counts from the 15th, one closed on the 20th counts
 * to the 19th, and on a cost change the day goes to the new period: no day is counted twice, none is lost.
 */
export function daysIn(month: FinanceMonth, from: Date, to: Date | null): number {
  const first = Math.max(floorDay(from), month.start.getTime());
  const last = Math.min(to === null ? month.end.getTime() : floorDay(to), month.end.getTime());
  return Math.max(0, Math.round((last - first) / DAY_MS));
}

function floorDay(at: Date): number {
  return Math.floor(at.getTime() / DAY_MS) * DAY_MS;
}

export type FinancePayment = {
  readonly planId: string;
  readonly method: string;
  readonly amountCents: number;
  /** When it was applied to an instance (null: never; it is not revenue). */
  readonly approvedAt: Date | null;
  /** When it was refunded or charged back (null: it stands). */
  readonly reversedAt: Date | null;
};

export type CostPeriod = {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly monthlyCostCents: number;
  readonly startedAt: Date;
  /** null: still open (runs to the month's end). */
  readonly endedAt: Date | null;
};

export type FinanceCostLine = { readonly id: string; readonly label: string; readonly amountCents: number };

/** Memory that instances of a plan requested on a cluster over the month: the plan's MB × days live there. */
export type MemoryAllocation = { readonly clusterId: string; readonly planId: string; readonly memoryMbDays: number };

/** A live instance's plan memory on the cluster it is placed on, and when it was live (deletedAt: null while live). */
export type Placement = {
  readonly clusterId: string;
  readonly planId: string;
  readonly memoryMb: number;
  readonly createdAt: Date;
  readonly deletedAt: Date | null;
};

/**
 * Placements → memory-days per plan and cluster over the month: the plan's memory × the days the instance was live
 * while the cluster was (its cost periods), days counted as `daysIn` does.
 */
export function allocationsOf(month: FinanceMonth, placements: readonly Placement[], periods: readonly CostPeriod[]): MemoryAllocation[] {
  const sums = new Map<string, MemoryAllocation>();
  for (const placement of placements) {
    let days = 0;
    for (const period of periods) {
      if (period.clusterId !== placement.clusterId) continue;
      const from = period.startedAt > placement.createdAt ? period.startedAt : placement.createdAt;
      const to = earliest(period.endedAt, placement.deletedAt);
      if (to === null || from < to) days += daysIn(month, from, to);
    }
    if (days === 0) continue;
    const key = `${placement.clusterId}\u0000${placement.planId}`;
    const sum = sums.get(key);
    sums.set(key, { clusterId: placement.clusterId, planId: placement.planId, memoryMbDays: (sum?.memoryMbDays ?? 0) + placement.memoryMb * days });
  }
  return [...sums.values()];
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** A renewal expected before the month ends (projection of the current month only): at the plan's current price. */
export type ExpectedRenewal = { readonly planId: string; readonly method: string; readonly amountCents: number };

export type FinanceInput = {
  readonly month: FinanceMonth;
  /** Plan names by id (plans that appear in payments or allocations). */
  readonly plans: ReadonlyMap<string, string>;
  readonly payments: readonly FinancePayment[];
  readonly costPeriods: readonly CostPeriod[];
  /** Memory each cluster can give bots (MB; null: never read). */
  readonly clusterMemoryMb: ReadonlyMap<string, number | null>;
  readonly allocations: readonly MemoryAllocation[];
  readonly costLines: readonly FinanceCostLine[];
  /** Given for the current month: its figures are then a projection. */
  readonly expectedRenewals?: readonly ExpectedRenewal[];
};

export type PlanFigures = {
  readonly planId: string;
  readonly planName: string;
  readonly revenueCents: number;
  readonly payments: number;
  readonly allocatedCostCents: number;
};
export type MethodFigures = { readonly method: PaymentMethod; readonly revenueCents: number };
export type ClusterFigures = {
  readonly clusterId: string;
  readonly clusterName: string;
  readonly costCents: number;
  readonly activeDays: number;
  readonly idleCostCents: number;
};

export type FinanceReport = {
  readonly month: string;
  readonly revenueCents: number;
  readonly refundsCents: number;
  readonly costCents: number;
  readonly marginCents: number;
  readonly projected: boolean;
  readonly byPlan: readonly PlanFigures[];
  readonly byMethod: readonly MethodFigures[];
  readonly byCluster: readonly ClusterFigures[];
  readonly costLines: readonly FinanceCostLine[];
};

const METHODS: readonly PaymentMethod[] = ['pix', 'card'];

const inMonth = (month: FinanceMonth, at: Date | null): at is Date => at !== null && at >= month.start && at < month.end;

/** Whole cents, half up (inputs here are never negative). */
const cents = (value: number): number => Math.round(value);

export function computeFinance(input: FinanceInput): FinanceReport {
  const { month } = input;
  const plan = new Map<string, { revenueCents: number; payments: number; allocatedCostCents: number }>();
  const planRow = (planId: string) => {
    let row = plan.get(planId);
    if (!row) {
      row = { revenueCents: 0, payments: 0, allocatedCostCents: 0 };
      plan.set(planId, row);
    }
    return row;
  };
  const method = new Map<PaymentMethod, number>(METHODS.map((m) => [m, 0]));
  const addMethod = (name: string, amount: number) => {
    if (name === 'pix' || name === 'card') method.set(name, (method.get(name) ?? 0) + amount);
  };

  // Revenue: what was applied this month, less what was reversed this month (whenever it had been applied).
  let approvedCents = 0;
  let refundsCents = 0;
  for (const payment of input.payments) {
    if (inMonth(month, payment.approvedAt)) {
      approvedCents += payment.amountCents;
      const row = planRow(payment.planId);
      row.revenueCents += payment.amountCents;
      row.payments += 1;
      addMethod(payment.method, payment.amountCents);
    }
    if (payment.approvedAt !== null && inMonth(month, payment.reversedAt)) {
      refundsCents += payment.amountCents;
      planRow(payment.planId).revenueCents -= payment.amountCents;
      addMethod(payment.method, -payment.amountCents);
    }
  }
  let expectedCents = 0;
  for (const renewal of input.expectedRenewals ?? []) {
    expectedCents += renewal.amountCents;
    planRow(renewal.planId).revenueCents += renewal.amountCents;
    addMethod(renewal.method, renewal.amountCents);
  }
  const revenueCents = approvedCents - refundsCents + expectedCents;

  // Clusters: each period's monthly cost × its active days / the month's days, summed per cluster, then rounded.
  const clusters = new Map<string, { name: string; costTimesDays: number; activeDays: number; lastStart: number }>();
  for (const period of input.costPeriods) {
    const days = daysIn(month, period.startedAt, period.endedAt);
    if (days === 0) continue;
    const row = clusters.get(period.clusterId) ?? { name: period.clusterName, costTimesDays: 0, activeDays: 0, lastStart: -Infinity };
    row.costTimesDays += period.monthlyCostCents * days;
    row.activeDays += days;
    if (period.startedAt.getTime() >= row.lastStart) {
      row.name = period.clusterName;
      row.lastStart = period.startedAt.getTime();
    }
    clusters.set(period.clusterId, row);
  }

  const byCluster: ClusterFigures[] = [];
  for (const [clusterId, row] of clusters) {
    const costCents = cents(row.costTimesDays / month.days);
    // Shared out by memory: the cluster's memory over its active days, or what was requested when that is more
    // (over-commit, or a capacity never read): then the whole cost is allocated and nothing is idle.
    const allocations = input.allocations.filter((a) => a.clusterId === clusterId && a.memoryMbDays > 0);
    const requested = allocations.reduce((sum, a) => sum + a.memoryMbDays, 0);
    const capacity = (input.clusterMemoryMb.get(clusterId) ?? 0) * row.activeDays;
    const basis = Math.max(capacity, requested);
    let allocated = 0;
    if (basis > 0) {
      for (const allocation of allocations) {
        // Rounded down: the cents left over stay idle, so plans never get more than the cluster cost.
        const share = Math.floor((costCents * allocation.memoryMbDays) / basis);
        planRow(allocation.planId).allocatedCostCents += share;
        allocated += share;
      }
    }
    byCluster.push({ clusterId, clusterName: row.name, costCents, activeDays: row.activeDays, idleCostCents: costCents - allocated });
  }
  byCluster.sort((a, b) => a.clusterName.localeCompare(b.clusterName) || a.clusterId.localeCompare(b.clusterId));

  const linesCents = input.costLines.reduce((sum, line) => sum + line.amountCents, 0);
  const costCents = byCluster.reduce((sum, c) => sum + c.costCents, 0) + linesCents;

  const byPlan: PlanFigures[] = [...plan.entries()]
    .map(([planId, row]) => ({ planId, planName: input.plans.get(planId) ?? planId, ...row }))
    .sort((a, b) => b.revenueCents - a.revenueCents || a.planName.localeCompare(b.planName));

  return {
    month: month.key,
    revenueCents,
    refundsCents,
    costCents,
    marginCents: revenueCents - costCents,
    projected: input.expectedRenewals !== undefined,
    byPlan,
    byMethod: METHODS.map((m) => ({ method: m, revenueCents: method.get(m) ?? 0 })),
    byCluster,
    costLines: input.costLines.map((line) => ({ id: line.id, label: line.label, amountCents: line.amountCents })),
  };
}
