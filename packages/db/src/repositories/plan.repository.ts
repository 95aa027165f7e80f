import type { Plan } from '@zapdeploy/domain';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import { plans } from '../schema.js';

type PlanRow = typeof plans.$inferSelect;

function toPlan(row: PlanRow): Plan {
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
  };
}

export class PlanRepository {
  constructor(private readonly db: Db) {}

  async listActive(): Promise<Plan[]> {
    const rows = await this.db.select().from(plans).where(eq(plans.active, true)).orderBy(asc(plans.sortOrder), asc(plans.id));
    return rows.map(toPlan);
  }

  async findById(id: string, tx: Db = this.db): Promise<Plan | undefined> {
    const [row] = await tx.select().from(plans).where(eq(plans.id, id));
    return row ? toPlan(row) : undefined;
  }

  async findBySlug(slug: string, tx: Db = this.db): Promise<Plan | undefined> {
    const [row] = await tx.select().from(plans).where(eq(plans.slug, slug));
    return row ? toPlan(row) : undefined;
  }
}
