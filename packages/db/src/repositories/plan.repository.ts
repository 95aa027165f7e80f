import type { Plan, PlanTier } from '@zapdeploy/domain';
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { instanceBilling, instances, plans } from '../schema.js';

type PlanRow = typeof plans.$inferSelect;

/** A plan as the catalogue keeps it: archived plans take no new instances. */
export type CatalogPlan = Plan & { readonly archived: boolean; readonly sortOrder: number };

/** A plan for operators: with its live instances and monthly recurring revenue. */
export type AdminPlanRecord = CatalogPlan & { readonly activeInstances: number; readonly mrrCents: number };

export type NewPlan = {
  readonly slug: string;
  readonly name: string;
  readonly tier: PlanTier;
  readonly priceCents: number;
  readonly cpuMillis: number;
  readonly memoryMb: number;
  readonly diskMb: number;
  readonly sortOrder: number;
};

export type PlanChanges = {
  readonly name?: string;
  readonly priceCents?: number;
  readonly cpuMillis?: number;
  readonly memoryMb?: number;
  readonly diskMb?: number;
  readonly sortOrder?: number;
  readonly archived?: boolean;
};

function toPlan(row: PlanRow): CatalogPlan {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    priceCents: row.priceCents,
    currency: 'BRL',
    cpuMillis: row.cpuMillis,
    memoryMb: row.memoryMb,
    diskMb: row.diskMb,
    tier: row.tier,
    archived: !row.active,
    sortOrder: row.sortOrder,
  };
}

export class PlanRepository {
  constructor(private readonly db: Db) {}

  /** The public catalogue: plans not archived. */
  async listActive(): Promise<Plan[]> {
    const rows = await this.db.select().from(plans).where(eq(plans.active, true)).orderBy(asc(plans.sortOrder), asc(plans.id));
    return rows.map((row) => {
      const { archived: _archived, sortOrder: _sortOrder, ...plan } = toPlan(row);
      return plan;
    });
  }

  async findById(id: string, tx: Db = this.db): Promise<CatalogPlan | undefined> {
    const [row] = await tx.select().from(plans).where(eq(plans.id, id));
    return row ? toPlan(row) : undefined;
  }

  async findBySlug(slug: string, tx: Db = this.db): Promise<CatalogPlan | undefined> {
    const [row] = await tx.select().from(plans).where(eq(plans.slug, slug));
    return row ? toPlan(row) : undefined;
  }

  /**
   * Every plan, archived ones too, with its live instances and its monthly recurring revenue: the plan's current
   * price for each live instance whose billing on it is active (courtesy grants pay nothing and are left out).
   */
  async listForAdmin(tx: Db = this.db): Promise<AdminPlanRecord[]> {
    const live = tx
      .select({ planId: instances.planId, n: sql<number>`count(*)`.mapWith(Number).as('n') })
      .from(instances)
      .where(and(isNull(instances.deletedAt), ne(instances.desiredState, 'deleted')))
      .groupBy(instances.planId)
      .as('live');
    const paying = tx
      .select({ planId: instanceBilling.planId, n: sql<number>`count(*)`.mapWith(Number).as('paying_n') })
      .from(instanceBilling)
      .innerJoin(instances, eq(instances.id, instanceBilling.instanceId))
      .where(
        and(
          eq(instanceBilling.state, 'active'),
          sql`coalesce(${instanceBilling.method}, '') <> 'courtesy'`,
          isNull(instances.deletedAt),
          ne(instances.desiredState, 'deleted'),
        ),
      )
      .groupBy(instanceBilling.planId)
      .as('paying');
    const rows = await tx
      .select({ plan: plans, live: sql<number>`coalesce(${live.n}, 0)`.mapWith(Number), paying: sql<number>`coalesce(${paying.n}, 0)`.mapWith(Number) })
      .from(plans)
      .leftJoin(live, eq(live.planId, plans.id))
      .leftJoin(paying, eq(paying.planId, plans.id))
      .orderBy(asc(plans.sortOrder), asc(plans.id));
    return rows.map((row) => ({
      ...toPlan(row.plan),
      activeInstances: row.live,
      mrrCents: row.plan.tier === 'production' ? row.paying * row.plan.priceCents : 0,
    }));
  }

  async findForAdmin(id: string, tx: Db = this.db): Promise<AdminPlanRecord | undefined> {
    return (await this.listForAdmin(tx)).find((plan) => plan.id === id);
  }

  async slugTaken(slug: string, tx: Db = this.db): Promise<boolean> {
    const rows = await tx.select({ id: plans.id }).from(plans).where(eq(plans.slug, slug));
    return rows.length > 0;
  }

  /** Creates a plan with the id `plan_<slug>` (dashes as underscores); false when that id or slug is taken. */
  async create(input: NewPlan, tx: Db = this.db): Promise<string | undefined> {
    const id = `plan_${input.slug.replaceAll('-', '_')}`;
    const rows = await tx
      .insert(plans)
      .values({ id, ...input, currency: 'BRL', active: true })
      .onConflictDoNothing()
      .returning({ id: plans.id });
    return rows[0]?.id;
  }

  /** Locks the plan row until the transaction ends; undefined when there is no such plan. */
  async lock(id: string, tx: Db): Promise<CatalogPlan | undefined> {
    const [row] = await tx.select().from(plans).where(eq(plans.id, id)).for('update');
    return row ? toPlan(row) : undefined;
  }

  async update(id: string, changes: PlanChanges, tx: Db = this.db, now = new Date()): Promise<boolean> {
    const { archived, ...columns } = changes;
    const rows = await tx
      .update(plans)
      .set({ ...columns, ...(archived !== undefined ? { active: !archived } : {}), updatedAt: now })
      .where(eq(plans.id, id))
      .returning({ id: plans.id });
    return rows.length > 0;
  }
}
