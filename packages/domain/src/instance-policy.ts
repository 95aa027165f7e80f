import { DomainError } from './errors.js';
import { assertPlanOpen, type Plan } from './plans.js';

/** How many instances on the free dev plan one account (guest or not) may keep. */
export const MAX_DEV_INSTANCES_PER_USER = 1;

export type CreationContext = {
  readonly isGuest: boolean;
  readonly plan: Plan;
  /** Live (not deleted) instances of this user on the dev tier. */
  readonly liveDevInstances: number;
  /** Live instances of this user, any plan. */
  readonly liveInstances: number;
  /** True when the install is open to the public: production plans must then be paid for. */
  readonly billingEnforced: boolean;
  /** An operator's cap on this user's live instances (null or absent: none). */
  readonly maxInstances?: number | null;
};

/**
 * Decides whether a user may create an instance on a plan; throws a DomainError saying why not. A production
 * plan on a public install is created paused, awaiting its first payment.
 */
export function assertCanCreateInstance(context: CreationContext): { readonly awaitingPayment: boolean } {
  const { isGuest, plan } = context;
  assertPlanOpen(plan);
  if (isGuest && plan.tier !== 'dev') {
    throw new DomainError('forbidden', 'guest_plan_not_allowed', { plan: plan.slug });
  }
  if (isGuest && context.liveInstances >= 1) {
    throw new DomainError('limit', 'guest_instance_limit', { max: 1 });
  }
  if (context.maxInstances !== undefined && context.maxInstances !== null && context.liveInstances >= context.maxInstances) {
    throw new DomainError('limit', 'instance_limit', { max: context.maxInstances });
  }
  if (plan.tier === 'dev' && context.liveDevInstances >= MAX_DEV_INSTANCES_PER_USER) {
    throw new DomainError('limit', 'dev_instance_limit', { max: MAX_DEV_INSTANCES_PER_USER });
  }
  return { awaitingPayment: plan.tier === 'production' && context.billingEnforced };
}

/**
 * Decides whether an existing instance may move to another plan. With billing enforced, a dearer plan is
 * bought through a checkout (it applies once paid); cheaper ones are scheduled by the payments service.
 */
export function assertCanChangePlan(context: {
  readonly isGuest: boolean;
  readonly from: Plan;
  readonly to: Plan;
  readonly liveDevInstances: number;
  readonly billingEnforced: boolean;
}): void {
  if (context.from.id === context.to.id) return;
  assertPlanOpen(context.to);
  if (context.isGuest && context.to.tier !== 'dev') {
    throw new DomainError('forbidden', 'guest_plan_not_allowed', { plan: context.to.slug });
  }
  if (context.to.tier === 'dev' && context.liveDevInstances >= MAX_DEV_INSTANCES_PER_USER) {
    throw new DomainError('limit', 'dev_instance_limit', { max: MAX_DEV_INSTANCES_PER_USER });
  }
  if (context.to.tier === 'production' && context.billingEnforced && context.to.priceCents > context.from.priceCents) {
    throw new DomainError('payment_required', 'plan_requires_payment', { plan: context.to.slug });
  }
}
