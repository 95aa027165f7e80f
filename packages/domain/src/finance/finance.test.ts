import { describe, expect, it } from 'vitest';
import {
  allocationsOf,
  type CostPeriod,
  computeFinance,
  daysIn,
  type FinanceInput,
  type FinancePayment,
  monthOf,
  monthsBetween,
  parseMonth,
} from './finance.js';

const at = (iso: string) => new Date(iso);
const march = parseMonth('2026-03') ?? (undefined as never);

describe('months and days', () => {
  it('reads YYYY-MM as a UTC month with its number of days', () => {
    expect(parseMonth('2026-03')).toEqual({ key: '2026-03', start: at('2026-03-01T00:00:00Z'), end: at('2026-04-01T00:00:00Z'), days: 31 });
    expect(parseMonth('2024-02')?.days).toBe(29);
    expect(parseMonth('2026-12')?.end).toEqual(at('2027-01-01T00:00:00Z'));
    for (const bad of ['2026-13', '2026-00', '2026-3', '26-03', '2026-03-01', '']) expect(parseMonth(bad)).toBeUndefined();
    expect(monthOf(at('2026-03-31T23:59:59Z')).key).toBe('2026-03');
    expect(monthsBetween(parseMonth('2025-11') ?? march, march).map((m) => m.key)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(monthsBetween(march, parseMonth('2026-01') ?? march)).toEqual([]);
  });

  it('counts the start day, not the end day, and clips to the month', () => {
    expect(daysIn(march, at('2026-01-01T00:00:00Z'), null)).toBe(31);
    expect(daysIn(march, at('2026-03-16T14:00:00Z'), null)).toBe(16); // 16th..31st
    expect(daysIn(march, at('2026-02-01T00:00:00Z'), at('2026-03-11T08:00:00Z'))).toBe(10); // 1st..10th
    expect(daysIn(march, at('2026-03-05T10:00:00Z'), at('2026-03-05T18:00:00Z'))).toBe(0);
    expect(daysIn(march, at('2026-04-01T00:00:00Z'), null)).toBe(0);
    expect(daysIn(march, at('2026-01-01T00:00:00Z'), at('2026-02-10T00:00:00Z'))).toBe(0);
    // A cost change on the 21st: the old period has the 1st..20th, the new one the 21st..31st.
    const change = at('2026-03-21T10:00:00Z');
    expect(daysIn(march, at('2026-01-01T00:00:00Z'), change) + daysIn(march, change, null)).toBe(31);
  });
});

const payments: FinancePayment[] = [
  { planId: 'plan_a', method: 'pix', amountCents: 2990, approvedAt: at('2026-03-05T12:00:00Z'), reversedAt: null },
  { planId: 'plan_b', method: 'card', amountCents: 4990, approvedAt: at('2026-03-10T12:00:00Z'), reversedAt: null },
  // Paid in February, refunded in March: February keeps its revenue, March shows the refund.
  { planId: 'plan_a', method: 'card', amountCents: 2990, approvedAt: at('2026-02-20T12:00:00Z'), reversedAt: at('2026-03-02T09:00:00Z') },
  // Paid and charged back in March.
  { planId: 'plan_b', method: 'pix', amountCents: 4990, approvedAt: at('2026-03-12T12:00:00Z'), reversedAt: at('2026-03-20T09:00:00Z') },
  // Approved but never applied (refunded by the payments service): not revenue, its refund is not either.
  { planId: 'plan_a', method: 'pix', amountCents: 2990, approvedAt: null, reversedAt: null },
  // Outside March by a second each way.
  { planId: 'plan_a', method: 'pix', amountCents: 2990, approvedAt: at('2026-02-28T23:59:59Z'), reversedAt: null },
  { planId: 'plan_b', method: 'pix', amountCents: 4990, approvedAt: at('2026-04-01T00:00:00Z'), reversedAt: null },
];

const periods: CostPeriod[] = [
  // sp-1: R$ 310,00 until its cost changed on the 21st, R$ 465,00 since.
  { clusterId: 'c1', clusterName: 'sp-1', monthlyCostCents: 31_000, startedAt: at('2026-01-01T00:00:00Z'), endedAt: at('2026-03-21T10:00:00Z') },
  { clusterId: 'c1', clusterName: 'sp-1', monthlyCostCents: 46_500, startedAt: at('2026-03-21T10:00:00Z'), endedAt: null },
  // rj-1: added on the 16th.
  { clusterId: 'c2', clusterName: 'rj-1', monthlyCostCents: 62_000, startedAt: at('2026-03-16T14:00:00Z'), endedAt: null },
  // old: removed on the 11th; its capacity was never read.
  { clusterId: 'c3', clusterName: 'old', monthlyCostCents: 10_000, startedAt: at('2026-02-01T00:00:00Z'), endedAt: at('2026-03-11T08:00:00Z') },
  // gone before March.
  { clusterId: 'c4', clusterName: 'gone', monthlyCostCents: 99_999, startedAt: at('2026-01-01T00:00:00Z'), endedAt: at('2026-02-15T00:00:00Z') },
];

const input: FinanceInput = {
  month: march,
  plans: new Map([
    ['plan_a', 'Bot'],
    ['plan_b', 'Pro'],
  ]),
  payments,
  costPeriods: periods,
  clusterMemoryMb: new Map<string, number | null>([
    ['c1', 4096],
    ['c2', 8192],
    ['c3', null],
  ]),
  allocations: [
    { clusterId: 'c1', planId: 'plan_a', memoryMbDays: 512 * 31 },
    { clusterId: 'c1', planId: 'plan_b', memoryMbDays: 1024 * 20 },
    { clusterId: 'c2', planId: 'plan_b', memoryMbDays: 1024 * 16 },
    { clusterId: 'c3', planId: 'plan_a', memoryMbDays: 512 * 10 },
  ],
  costLines: [
    { id: 'cl1', label: 'Domínios', amountCents: 4000 },
    { id: 'cl2', label: 'E-mail', amountCents: 1500 },
  ],
};

describe('allocations', () => {
  it('sums each plan’s memory × days live on each cluster, while the cluster had a cost period', () => {
    const clusterPeriods: CostPeriod[] = [
      { clusterId: 'c1', clusterName: 'sp-1', monthlyCostCents: 1, startedAt: at('2026-01-01T00:00:00Z'), endedAt: at('2026-03-21T10:00:00Z') },
      { clusterId: 'c1', clusterName: 'sp-1', monthlyCostCents: 2, startedAt: at('2026-03-21T10:00:00Z'), endedAt: null },
      { clusterId: 'c2', clusterName: 'rj-1', monthlyCostCents: 3, startedAt: at('2026-03-16T14:00:00Z'), endedAt: null },
    ];
    expect(
      allocationsOf(
        march,
        [
          { clusterId: 'c1', planId: 'plan_a', memoryMb: 256, createdAt: at('2025-12-01T00:00:00Z'), deletedAt: null },
          { clusterId: 'c1', planId: 'plan_a', memoryMb: 256, createdAt: at('2026-03-11T09:00:00Z'), deletedAt: at('2026-03-21T09:00:00Z') },
          { clusterId: 'c1', planId: 'plan_b', memoryMb: 1024, createdAt: at('2026-03-12T00:00:00Z'), deletedAt: null },
          // Placed before the cluster's cost began: counted from the 16th.
          { clusterId: 'c2', planId: 'plan_a', memoryMb: 512, createdAt: at('2026-02-01T00:00:00Z'), deletedAt: null },
          // Gone before March.
          { clusterId: 'c2', planId: 'plan_b', memoryMb: 512, createdAt: at('2026-01-01T00:00:00Z'), deletedAt: at('2026-02-01T00:00:00Z') },
          // A cluster with no cost period.
          { clusterId: 'c9', planId: 'plan_a', memoryMb: 512, createdAt: at('2026-01-01T00:00:00Z'), deletedAt: null },
        ],
        clusterPeriods,
      ),
    ).toEqual([
      { clusterId: 'c1', planId: 'plan_a', memoryMbDays: 256 * 31 + 256 * 10 },
      { clusterId: 'c1', planId: 'plan_b', memoryMbDays: 1024 * 20 },
      { clusterId: 'c2', planId: 'plan_a', memoryMbDays: 512 * 16 },
    ]);
  });
});

describe('a month’s figures (hand-computed)', () => {
  const report = computeFinance(input);

  it('revenue: approved in the month (12 970) minus refunds and chargebacks in the month (7 980)', () => {
    expect(report.refundsCents).toBe(2990 + 4990);
    expect(report.revenueCents).toBe(2990 + 4990 + 4990 - 7980);
    expect(report.projected).toBe(false);
    expect(report.byMethod).toEqual([
      { method: 'pix', revenueCents: 2990 + 4990 - 4990 },
      { method: 'card', revenueCents: 4990 - 2990 },
    ]);
  });

  it('clusters: monthly cost × active days / 31, summed over a cost change', () => {
    expect(report.byCluster).toEqual([
      // 10 000 × 10 / 31 = 3 225.81 → 3 226; capacity unknown: all of it allocated to what was requested.
      { clusterId: 'c3', clusterName: 'old', costCents: 3226, activeDays: 10, idleCostCents: 0 },
      // 62 000 × 16 / 31 = 32 000; 1 024 MB × 16 d of 8 192 MB × 16 d = 1/8 → 4 000 allocated.
      { clusterId: 'c2', clusterName: 'rj-1', costCents: 32_000, activeDays: 16, idleCostCents: 28_000 },
      // (31 000 × 20 + 46 500 × 11) / 31 = 36 500; of 4 096 MB × 31 d: 512 × 31 → 4 562 (4 562.5 down), 1 024 × 20 → 5 887.
      { clusterId: 'c1', clusterName: 'sp-1', costCents: 36_500, activeDays: 31, idleCostCents: 36_500 - 4562 - 5887 },
    ]);
  });

  it('cost = clusters + cost lines; margin = revenue − cost', () => {
    expect(report.costCents).toBe(36_500 + 32_000 + 3226 + 4000 + 1500);
    expect(report.marginCents).toBe(4990 - 77_226);
    expect(report.costLines).toEqual([
      { id: 'cl1', label: 'Domínios', amountCents: 4000 },
      { id: 'cl2', label: 'E-mail', amountCents: 1500 },
    ]);
  });

  it('by plan: net revenue, payments applied, and the clusters’ cost allocated by memory', () => {
    expect(report.byPlan).toEqual([
      { planId: 'plan_b', planName: 'Pro', revenueCents: 4990, payments: 2, allocatedCostCents: 5887 + 4000 },
      { planId: 'plan_a', planName: 'Bot', revenueCents: 0, payments: 1, allocatedCostCents: 4562 + 3226 },
    ]);
    const allocated = report.byPlan.reduce((sum, p) => sum + p.allocatedCostCents, 0);
    const idle = report.byCluster.reduce((sum, c) => sum + c.idleCostCents, 0);
    expect(allocated + idle).toBe(36_500 + 32_000 + 3226);
  });

  it('over-commit: more memory requested than the cluster has shares the whole cost, nothing idle', () => {
    const over = computeFinance({
      ...input,
      costPeriods: [periods[2] as CostPeriod],
      allocations: [
        { clusterId: 'c2', planId: 'plan_a', memoryMbDays: 8192 * 16 },
        { clusterId: 'c2', planId: 'plan_b', memoryMbDays: 8192 * 16 },
      ],
    });
    expect(over.byCluster).toEqual([{ clusterId: 'c2', clusterName: 'rj-1', costCents: 32_000, activeDays: 16, idleCostCents: 0 }]);
    expect(over.byPlan.map((p) => p.allocatedCostCents)).toEqual([16_000, 16_000]);
  });

  it('the current month is a projection: renewals still due are added at the plan’s price', () => {
    const projected = computeFinance({
      ...input,
      expectedRenewals: [
        { planId: 'plan_a', method: 'pix', amountCents: 2990 },
        { planId: 'plan_b', method: 'card', amountCents: 4990 },
      ],
    });
    expect(projected.projected).toBe(true);
    expect(projected.revenueCents).toBe(4990 + 2990 + 4990);
    expect(projected.refundsCents).toBe(7980);
    expect(projected.marginCents).toBe(12_970 - 77_226);
    expect(projected.byPlan.find((p) => p.planId === 'plan_a')).toMatchObject({ revenueCents: 2990, payments: 1 });
    expect(projected.byMethod).toEqual([
      { method: 'pix', revenueCents: 2990 + 2990 },
      { method: 'card', revenueCents: 2000 + 4990 },
    ]);
  });

  it('an empty month is zeros, both methods listed', () => {
    const empty = computeFinance({ ...input, payments: [], costPeriods: [], allocations: [], costLines: [] });
    expect(empty).toEqual({
      month: '2026-03',
      revenueCents: 0,
      refundsCents: 0,
      costCents: 0,
      marginCents: 0,
      projected: false,
      byPlan: [],
      byMethod: [
        { method: 'pix', revenueCents: 0 },
        { method: 'card', revenueCents: 0 },
      ],
      byCluster: [],
      costLines: [],
    });
  });
});
