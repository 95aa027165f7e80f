import type { CreateCostLine } from '@zapdeploy/contracts';
import type { AdminAuditRepository, CostLineRecord, Db, FinanceRepository } from '@zapdeploy/db';
import {
  allocationsOf,
  computeFinance,
  DomainError,
  type FinanceMonth,
  type FinanceReport,
  monthOf,
  monthsBetween,
  notFound,
  parseMonth,
} from '@zapdeploy/domain';
import type { AdminActor } from '../admin-actor.js';

/** The CSV export covers at most this many months. */
export const MAX_CSV_MONTHS = 120;

export type FinanceServiceDeps = {
  readonly db: Db;
  readonly finance: FinanceRepository;
  readonly audit: AdminAuditRepository;
  readonly clock: () => Date;
};

/** A month's money (computeFinance on what Postgres holds), the CSV of a range of months, and the cost lines. */
export class FinanceService {
  constructor(private readonly deps: FinanceServiceDeps) {}

  /** Past months as they were; the current month projected to its end; a future month is refused. */
  async month(key: string): Promise<FinanceReport> {
    const now = this.deps.clock();
    return this.report(this.pastOrCurrent(key, now), now);
  }

  async months(fromKey: string, toKey: string): Promise<FinanceReport[]> {
    const now = this.deps.clock();
    const months = monthsBetween(this.pastOrCurrent(fromKey, now), this.pastOrCurrent(toKey, now));
    if (months.length > MAX_CSV_MONTHS) throw new DomainError('invalid', 'finance_range_too_long', { max: MAX_CSV_MONTHS });
    const reports: FinanceReport[] = [];
    for (const month of months) reports.push(await this.report(month, now));
    return reports;
  }

  listCostLines(month: string): Promise<CostLineRecord[]> {
    return this.deps.finance.listCostLines(month);
  }

  async addCostLine(actor: AdminActor, input: CreateCostLine): Promise<CostLineRecord> {
    const { db, finance, audit } = this.deps;
    return db.transaction(async (tx) => {
      const line = await finance.createCostLine({ ...input, createdBy: actor.userId }, tx);
      await audit.record({ ...who(actor), action: 'cost_line.create', targetType: 'cost_line', targetId: line.id, after: { ...input } }, tx);
      return line;
    });
  }

  async removeCostLine(actor: AdminActor, id: string): Promise<void> {
    const { db, finance, audit } = this.deps;
    await db.transaction(async (tx) => {
      const line = await finance.findCostLine(id, tx);
      if (!line || !(await finance.deleteCostLine(id, tx))) throw notFound('cost_line');
      await audit.record(
        {
          ...who(actor),
          action: 'cost_line.delete',
          targetType: 'cost_line',
          targetId: id,
          before: { month: line.month, label: line.label, amountCents: line.amountCents },
        },
        tx,
      );
    });
  }

  private pastOrCurrent(key: string, now: Date): FinanceMonth {
    const month = parseMonth(key);
    if (!month) throw new DomainError('invalid', 'finance_month_invalid', { month: key });
    if (month.start > now) throw new DomainError('invalid', 'finance_month_future', { month: key });
    return month;
  }

  private async report(month: FinanceMonth, now: Date): Promise<FinanceReport> {
    const sources = await this.deps.finance.sources(month);
    const current = monthOf(now).key === month.key;
    return computeFinance({
      month,
      plans: sources.plans,
      payments: sources.payments,
      costPeriods: sources.costPeriods,
      clusterMemoryMb: sources.clusterMemoryMb,
      allocations: allocationsOf(month, sources.placements, sources.costPeriods),
      costLines: sources.costLines,
      ...(current ? { expectedRenewals: await this.deps.finance.expectedRenewals(now, month.end) } : {}),
    });
  }
}

function who(actor: AdminActor) {
  return { actorId: actor.userId, ip: actor.ip, requestId: actor.requestId };
}

const CSV_HEADER = [
  'month',
  'projected',
  'revenue_cents',
  'refunds_cents',
  'pix_revenue_cents',
  'card_revenue_cents',
  'cluster_cost_cents',
  'idle_cost_cents',
  'cost_lines_cents',
  'cost_cents',
  'margin_cents',
];

/** One row per month; every field is a month key, a boolean or an integer (nothing to quote). */
export function financeCsv(reports: readonly FinanceReport[]): string {
  const rows = reports.map((report) => {
    const method = (name: string) => report.byMethod.find((m) => m.method === name)?.revenueCents ?? 0;
    const clusters = report.byCluster.reduce((sum, c) => sum + c.costCents, 0);
    const idle = report.byCluster.reduce((sum, c) => sum + c.idleCostCents, 0);
    const lines = report.costLines.reduce((sum, l) => sum + l.amountCents, 0);
    return [
      report.month,
      report.projected,
      report.revenueCents,
      report.refundsCents,
      method('pix'),
      method('card'),
      clusters,
      idle,
      lines,
      report.costCents,
      report.marginCents,
    ].join(',');
  });
  return `${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}
