import { BillingDunningV1, BillingEndedV1, BillingPlanChangedV1 } from '@zapdeploy/contracts';
import type { BillingRepository, Db, LeaseRepository, OutboxRepository, PlanRepository } from '@zapdeploy/db';
import { type BillingRules, dunningStep } from '@zapdeploy/domain';
import { Periodic } from '@zapdeploy/infra';
import type { Logger } from './notifications.js';

/**
 * Renewal and dunning, run by one payments process at a time (a lease): reminders before a Pix period ends,
 * scheduled downgrades at the period's end, grace, suspension ("pagamento pendente"), and deletion after the
 * retention period. Each step re-reads and locks the billing row, so a payment arriving meanwhile wins.
 */
export class Dunning {
  private readonly loop: Periodic;

  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly billing: BillingRepository;
      readonly plans: PlanRepository;
      readonly outbox: OutboxRepository;
      readonly leases: LeaseRepository;
      readonly holder: string;
      readonly rules: BillingRules;
      readonly intervalMs: number;
      readonly clock: () => Date;
      readonly logger: Logger;
    },
  ) {
    this.loop = new Periodic(
      () => this.run(),
      deps.intervalMs,
      (error) => deps.logger.error(`dunning: ${String(error)}`),
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over what is due; returns the steps taken (tests use it). */
  async run(): Promise<string[]> {
    const { billing, leases, rules } = this.deps;
    if (!(await leases.acquire('billing-dunning', this.deps.holder, Math.max(this.deps.intervalMs, 5_000)))) return [];
    const now = this.deps.clock();
    const taken: string[] = [];
    for (const due of await billing.dueForDunning(now, rules.reminderDays)) {
      const step = await this.step(due.instanceId, now);
      if (step) taken.push(`${due.instanceId}:${step}`);
    }
    return taken;
  }

  private async step(instanceId: string, now: Date): Promise<string | null> {
    const { db, billing, plans, outbox, rules } = this.deps;
    return db.transaction(async (tx) => {
      const current = await billing.lock(instanceId, tx);
      if (!current) return null;
      const action = dunningStep(current, now, rules);
      if (!action) return null;
      const emit = (def: { name: string; version: number }, payload: unknown) => outbox.add({ name: def.name, version: def.version, payload }, tx);
      const ownerId = current.ownerId;
      switch (action.type) {
        case 'remind':
          await billing.save(instanceId, ownerId, { ...current, remindedFor: action.at }, tx);
          await emit(BillingDunningV1, { instanceId, ownerId, stage: 'reminder', at: action.at.toISOString() });
          break;
        case 'apply_scheduled_plan': {
          const plan = await plans.findById(action.planId, tx);
          const free = plan?.tier !== 'production';
          await billing.save(
            instanceId,
            ownerId,
            { ...current, planId: action.planId, scheduledPlanId: null, ...(free ? { state: 'ended' as const } : {}) },
            tx,
          );
          await emit(BillingPlanChangedV1, { instanceId, planId: action.planId });
          break;
        }
        case 'grace':
          await billing.save(instanceId, ownerId, { ...current, state: 'grace', graceUntil: action.graceUntil }, tx);
          await emit(BillingDunningV1, { instanceId, ownerId, stage: 'grace', at: action.graceUntil.toISOString() });
          break;
        case 'suspend':
          await billing.save(instanceId, ownerId, { ...current, state: 'suspended', suspendedAt: now, purgeAt: action.purgeAt }, tx);
          await emit(BillingDunningV1, { instanceId, ownerId, stage: 'suspended', at: action.purgeAt.toISOString() });
          break;
        case 'purge':
          await billing.save(instanceId, ownerId, { ...current, state: 'ended' }, tx);
          await emit(BillingEndedV1, { instanceId });
          break;
      }
      this.deps.logger.info(`billing ${instanceId}: ${action.type}`);
      return action.type;
    });
  }
}
