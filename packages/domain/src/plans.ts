import { DomainError } from './errors.js';

export type PlanTier = 'dev' | 'production';

export type Plan = {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly priceCents: number;
  readonly currency: 'BRL';
  readonly cpuMillis: number;
  readonly memoryMb: number;
  readonly diskMb: number;
  readonly tier: PlanTier;
  /** Archived by an operator: no new instances on it (those on it keep running and renewing). */
  readonly archived?: boolean;
};

export const DEV_PLAN_SLUG = 'dev';

/** A dev plan is free; a production plan has a price (payments quote it): `plan_price_tier` otherwise. */
export function assertPlanPriceFitsTier(plan: { readonly tier: PlanTier; readonly priceCents: number }): void {
  if ((plan.tier === 'dev') !== (plan.priceCents === 0)) throw new DomainError('invalid', 'plan_price_tier', { tier: plan.tier });
}

/** No new instance, and no instance moved, onto an archived plan: `plan_archived`. */
export function assertPlanOpen(plan: Pick<Plan, 'slug' | 'archived'>): void {
  if (plan.archived) throw new DomainError('invalid', 'plan_archived', { plan: plan.slug });
}
