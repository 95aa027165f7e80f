import type { CreatePlan, UpdatePlan } from '@zapdeploy/contracts';
import type { AdminAuditRepository, AdminPlanRecord, CatalogPlan, Db, PlanRepository } from '@zapdeploy/db';
import { assertPlanPriceFitsTier, DomainError, notFound } from '@zapdeploy/domain';
import type { AdminActor } from '../admin-actor.js';

export type AdminPlanServiceDeps = {
  readonly db: Db;
  readonly plans: PlanRepository;
  readonly audit: AdminAuditRepository;
  /** Re-prices the card subscriptions renewing on a plan (the payments service, at Mercado Pago) for their next charge. */
  readonly repriceSubscriptions: (planId: string) => Promise<unknown>;
};

/**
 * The operators' plans: list with live instances and MRR, create, change, archive. A plan is never deleted (instances
 * and payments name it). A new price is what the next renewal charges — a Pix checkout quotes the plan as it is then,
 * and card subscriptions on the plan are re-priced after the change is saved — while what was paid stays paid; new
 * limits are what each instance gets when the worker next starts or reconciles it. Every change is audited in its
 * transaction.
 */
export class AdminPlanService {
  constructor(private readonly deps: AdminPlanServiceDeps) {}

  list(): Promise<AdminPlanRecord[]> {
    return this.deps.plans.listForAdmin();
  }

  async create(actor: AdminActor, input: CreatePlan): Promise<AdminPlanRecord> {
    const { db, plans, audit } = this.deps;
    assertPlanPriceFitsTier(input);
    return db.transaction(async (tx) => {
      if (await plans.slugTaken(input.slug, tx)) throw new DomainError('conflict', 'plan_slug_taken', { slug: input.slug });
      const id = await plans.create({ ...input, sortOrder: input.sortOrder ?? 0 }, tx);
      if (!id) throw new DomainError('conflict', 'plan_slug_taken', { slug: input.slug });
      const created = await plans.findForAdmin(id, tx);
      if (!created) throw new Error('plan vanished inside its own transaction');
      await audit.record({ ...who(actor), action: 'plan.create', targetType: 'plan', targetId: id, after: snapshot(created) }, tx);
      return created;
    });
  }

  async update(actor: AdminActor, id: string, input: UpdatePlan): Promise<AdminPlanRecord> {
    const updated = await this.save(actor, id, input);
    // After the commit (the payments service reads the new price). Sending the same price again retries it.
    if (input.priceCents !== undefined && updated.tier === 'production') {
      try {
        await this.deps.repriceSubscriptions(id);
      } catch {
        throw new DomainError('unavailable', 'plan_reprice_failed');
      }
    }
    return updated;
  }

  private async save(actor: AdminActor, id: string, input: UpdatePlan): Promise<AdminPlanRecord> {
    const { db, plans, audit } = this.deps;
    return db.transaction(async (tx) => {
      const before = await plans.lock(id, tx);
      if (!before) throw notFound('plan');
      assertPlanPriceFitsTier({ tier: before.tier, priceCents: input.priceCents ?? before.priceCents });
      await plans.update(id, input, tx);
      const after = await plans.findForAdmin(id, tx);
      if (!after) throw notFound('plan');
      const action =
        input.archived === true && !before.archived ? 'plan.archive' : input.archived === false && before.archived ? 'plan.unarchive' : 'plan.update';
      await audit.record({ ...who(actor), action, targetType: 'plan', targetId: id, before: snapshot(before), after: snapshot(after) }, tx);
      return after;
    });
  }
}

function who(actor: AdminActor) {
  return { actorId: actor.userId, ip: actor.ip, requestId: actor.requestId };
}

function snapshot(plan: CatalogPlan): Record<string, unknown> {
  return {
    slug: plan.slug,
    name: plan.name,
    tier: plan.tier,
    priceCents: plan.priceCents,
    cpuMillis: plan.cpuMillis,
    memoryMb: plan.memoryMb,
    diskMb: plan.diskMb,
    sortOrder: plan.sortOrder,
    archived: plan.archived,
  };
}
