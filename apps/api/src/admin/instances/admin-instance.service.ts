import { type AdminInstanceDto, type Courtesy, InstanceReconcileV1 } from '@zapdeploy/contracts';
import type {
  AdminAuditRepository,
  AdminInstanceFilters,
  AdminInstanceRecord,
  AdminPeopleRepository,
  BillingRepository,
  Db,
  InstanceChanges,
  InstanceRepository,
  OutboxMessage,
  OutboxRepository,
  PlanRepository,
} from '@zapdeploy/db';
import { isValidCursor } from '@zapdeploy/db';
import { ACCOUNT_SUSPENDED_REASON, DomainError, grantCourtesy, type InstanceAction, isPaymentHold, notFound, planAction } from '@zapdeploy/domain';
import { withIntent } from '../../infrastructure/intent.js';
import type { AdminActor } from '../admin-actor.js';
import { instanceSnapshot, toAdminInstanceDetailDto, toAdminInstanceDto } from './admin-instance.mapper.js';

export type AdminInstanceDeps = {
  readonly db: Db;
  readonly people: AdminPeopleRepository;
  readonly instances: InstanceRepository;
  readonly plans: PlanRepository;
  readonly billing: BillingRepository;
  readonly audit: AdminAuditRepository;
  readonly outbox: OutboxRepository;
  /** Publishes a message at once after commit (fast path); the outbox relay still guarantees delivery. */
  readonly publishNow: (message: OutboxMessage) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly clock?: () => Date;
};

/**
 * Operators' use cases on any instance, whoever owns it (guests' and orphans' included): list with filters, detail,
 * the owner's actions (the same lifecycle rules, `planAction`), and a courtesy plan. Every change records the desired
 * state, a reconcile nudge (outbox) and its admin audit row in one transaction.
 */
export class AdminInstanceService {
  constructor(private readonly deps: AdminInstanceDeps) {}

  async list(filters: AdminInstanceFilters, page: { cursor?: string; limit: number }) {
    if (page.cursor && !isValidCursor(page.cursor)) throw new DomainError('invalid', 'invalid_cursor');
    const found = await this.deps.people.listInstances(filters, page);
    return { items: found.items.map(toAdminInstanceDto), nextCursor: found.nextCursor };
  }

  async detail(id: string) {
    const instance = await this.deps.people.findInstance(id);
    if (!instance) throw notFound('instance');
    return toAdminInstanceDetailDto(instance, await this.deps.people.deploymentsOf(id));
  }

  /** The instance, for reading its logs: any instance that exists (deleted ones too, while their logs last). */
  async assertExists(id: string): Promise<void> {
    if (!(await this.deps.people.findInstance(id))) throw notFound('instance');
  }

  async act(actor: AdminActor, id: string, action: InstanceAction): Promise<AdminInstanceDto> {
    const { instances, audit } = this.deps;
    return this.change(id, async (current, tx, announce) => {
      const outcome = planAction(action, current);
      // An operator resuming an instance the owner's suspension paused takes it out of the suspension's hands.
      const liftsSuspension = action === 'resume' && current.pausedBySuspension;
      const changes: InstanceChanges & { pausedBySuspension?: boolean } = {
        desiredState: outcome.desiredState,
        status: outcome.status,
        requestRestart: action === 'restart',
        ...(liftsSuspension ? { pausedBySuspension: false } : {}),
        ...(liftsSuspension && current.statusReason === ACCOUNT_SUSPENDED_REASON ? { statusReason: null } : {}),
      };
      await instances.updateAny(id, changes, tx);
      if (outcome.newDeployment) await instances.addDeployment(id, action, tx);
      await announce(reconcile(id, current.generation + 1, `admin_${action}`));
      const after = await this.deps.people.findInstance(id, tx);
      if (!after) throw notFound('instance');
      await audit.record(
        {
          ...who(actor),
          action: `instance.${action}`,
          targetType: 'instance',
          targetId: id,
          before: instanceSnapshot(current),
          after: instanceSnapshot(after),
        },
        tx,
      );
      return toAdminInstanceDto(after);
    });
  }

  /**
   * Runs the instance on `planId` until `until` without payment: its billing becomes active with method `courtesy`
   * (the payments service's dunning then treats the end as any unpaid period's), and an instance held for payment runs.
   */
  async courtesy(actor: AdminActor, id: string, input: Courtesy): Promise<AdminInstanceDto> {
    const { instances, plans, billing, audit } = this.deps;
    const now = this.deps.clock?.() ?? new Date();
    const until = new Date(input.until);
    return this.change(id, async (current, tx, announce) => {
      if (current.desiredState === 'deleted') throw new DomainError('conflict', 'instance_deleted');
      const plan = await plans.findById(input.planId, tx);
      if (!plan) throw notFound('plan');
      if (plan.tier !== 'production') throw new DomainError('invalid', 'plan_not_billable', { plan: plan.slug });
      const before = await billing.lock(id, tx);
      const granted = grantCourtesy(before, plan.id, until, now);
      await billing.save(id, current.ownerId, { ...granted, suspendedAt: null }, tx);
      const held = current.desiredState === 'paused' && isPaymentHold(current.statusReason);
      await instances.updateAny(id, { planId: plan.id, ...(held ? { desiredState: 'running' as const, statusReason: null } : {}) }, tx);
      await announce(reconcile(id, current.generation + 1, 'courtesy'));
      const after = await this.deps.people.findInstance(id, tx);
      if (!after) throw notFound('instance');
      await audit.record(
        {
          ...who(actor),
          action: 'instance.courtesy',
          targetType: 'instance',
          targetId: id,
          before: instanceSnapshot(current),
          after: { ...instanceSnapshot(after), reason: input.reason, until: until.toISOString() },
        },
        tx,
      );
      return toAdminInstanceDto(after);
    });
  }

  /** Locks the instance (and its owner, as the owner's own writes do) and runs `work` on it in one intent. */
  private change<T>(id: string, work: (current: AdminInstanceRecord, tx: Db, announce: (message: OutboxMessage) => Promise<void>) => Promise<T>): Promise<T> {
    const { people, instances } = this.deps;
    return withIntent(this.deps, async (tx, announce) => {
      const owner = await people.findInstance(id, tx);
      if (!owner) throw notFound('instance');
      if (owner.ownerId) await instances.lockOwner(owner.ownerId, tx);
      if (!(await people.lockInstance(id, tx))) throw notFound('instance');
      const current = await people.findInstance(id, tx);
      if (!current) throw notFound('instance');
      return work(current, tx, announce);
    });
  }
}

function reconcile(instanceId: string, generation: number, reason: string): OutboxMessage {
  return { name: InstanceReconcileV1.name, version: InstanceReconcileV1.version, payload: { instanceId, generation, reason } };
}

function who(actor: AdminActor) {
  return { actorId: actor.userId, ip: actor.ip, requestId: actor.requestId };
}
