import { and, eq, gt, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { workerLeases } from '../schema.js';

export type Lease = { readonly resource: string; readonly holder: string; readonly fence: number };

/**
 * Fenced leases in the database: one holder per resource until it expires. Each new holder gets a
 * higher fence, so a worker that lost its lease (paused, partitioned) cannot overwrite newer work.
 */
export class LeaseRepository {
  constructor(private readonly db: Db) {}

  /** Takes the lease if free, expired, or already ours (renewal); undefined when someone else holds it. */
  async acquire(resource: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const expiresAt = new Date(Date.now() + ttlMs);
    const rows = await this.db
      .insert(workerLeases)
      .values({ resource, holder, fence: 1, expiresAt })
      .onConflictDoUpdate({
        target: workerLeases.resource,
        set: {
          holder,
          expiresAt,
          fence: sql`case when ${workerLeases.holder} = ${holder} then ${workerLeases.fence} else ${workerLeases.fence} + 1 end`,
        },
        setWhere: or(eq(workerLeases.holder, holder), lt(workerLeases.expiresAt, sql`now()`)),
      })
      .returning({ resource: workerLeases.resource, holder: workerLeases.holder, fence: workerLeases.fence });
    return rows[0];
  }

  /** Extends a lease we still hold with the same fence; false when it was lost. */
  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const rows = await this.db
      .update(workerLeases)
      .set({ expiresAt: new Date(Date.now() + ttlMs) })
      .where(and(eq(workerLeases.resource, lease.resource), eq(workerLeases.holder, lease.holder), eq(workerLeases.fence, lease.fence)))
      .returning({ resource: workerLeases.resource });
    return rows.length > 0;
  }

  async release(lease: Lease): Promise<void> {
    await this.db
      .update(workerLeases)
      .set({ expiresAt: new Date(0) })
      .where(and(eq(workerLeases.resource, lease.resource), eq(workerLeases.holder, lease.holder), eq(workerLeases.fence, lease.fence)));
  }

  async isHeld(lease: Lease): Promise<boolean> {
    const rows = await this.db.select({ resource: workerLeases.resource }).from(workerLeases).where(leaseIsLive(lease));
    return rows.length > 0;
  }
}

/** SQL condition: this exact lease (holder and fence) is still the live one. */
export function leaseIsLive(lease: Lease) {
  return and(
    eq(workerLeases.resource, lease.resource),
    eq(workerLeases.holder, lease.holder),
    eq(workerLeases.fence, lease.fence),
    gt(workerLeases.expiresAt, sql`now()`),
  );
}
