import { DomainError } from '../errors.js';
import type { Plan } from '../plans.js';

/** Where an instance is in its paid life. */
export type BillingState = 'awaiting_payment' | 'active' | 'grace' | 'suspended' | 'ended';
export type PaymentMethod = 'pix' | 'card';
/** How a period was obtained: paid (Pix, card), or granted by an operator without payment. */
export type BillingMethod = PaymentMethod | 'courtesy';
export type CheckoutKind = 'period' | 'upgrade' | 'subscription';

export type BillingRules = {
  readonly periodDays: number;
  readonly graceDays: number;
  readonly retentionDays: number;
  /** How long before a Pix period ends the owner is reminded. */
  readonly reminderDays: number;
};

export const DEFAULT_BILLING_RULES: BillingRules = { periodDays: 30, graceDays: 3, retentionDays: 30, reminderDays: 3 };

export type Billing = {
  readonly state: BillingState;
  readonly planId: string;
  readonly method: BillingMethod | null;
  readonly paidUntil: Date | null;
  readonly graceUntil: Date | null;
  readonly purgeAt: Date | null;
  readonly preapprovalId: string | null;
  readonly scheduledPlanId: string | null;
  readonly remindedFor: Date | null;
};

export type PricedPlan = Pick<Plan, 'id' | 'slug' | 'priceCents' | 'tier'>;

const DAY = 24 * 60 * 60 * 1000;
const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY);

/** True while a paid period covers `now` (including its grace days: the bot still runs then). */
export function inPaidPeriod(billing: Billing | null, now: Date): billing is Billing & { paidUntil: Date } {
  return !!billing && (billing.state === 'active' || billing.state === 'grace') && !!billing.paidUntil && billing.paidUntil > now;
}

/** The difference between two monthly prices for what is left of a period, in cents (at least one). */
export function prorate(differenceCents: number, remainingMs: number, periodMs: number): number {
  const share = Math.min(Math.max(remainingMs, 0), periodMs) / periodMs;
  return Math.max(1, Math.ceil(differenceCents * share));
}

export type Quote = { readonly kind: CheckoutKind; readonly amountCents: number };

/**
 * What paying for `target` costs now. Outside a paid period: a new period (Pix) or a subscription (card).
 * Inside one: the same plan renews ahead (Pix) or moves to a subscription (card); a dearer plan costs the
 * difference for the rest of the period; a cheaper one is a downgrade, applied when the period ends.
 */
export function quoteCheckout(input: {
  readonly billing: Billing | null;
  readonly paidPlan: PricedPlan | null;
  readonly target: PricedPlan;
  readonly method: PaymentMethod;
  readonly now: Date;
  readonly rules: BillingRules;
}): Quote {
  const { billing, paidPlan, target, method, now, rules } = input;
  if (target.tier !== 'production' || target.priceCents <= 0) throw new DomainError('invalid', 'plan_not_billable', { plan: target.slug });
  const fresh: Quote = { kind: method === 'pix' ? 'period' : 'subscription', amountCents: target.priceCents };
  if (!inPaidPeriod(billing, now) || !paidPlan) return fresh;
  if (target.id === paidPlan.id) {
    if (method === 'card' && billing.preapprovalId) throw new DomainError('conflict', 'already_subscribed');
    return fresh;
  }
  if (target.priceCents < paidPlan.priceCents) throw new DomainError('conflict', 'downgrade_at_period_end', { plan: target.slug });
  const remaining = billing.paidUntil.getTime() - now.getTime();
  return { kind: 'upgrade', amountCents: prorate(target.priceCents - paidPlan.priceCents, remaining, rules.periodDays * DAY) };
}

/**
 * What a quote was computed from. A payment for the quote is worth what was quoted only while the billing still
 * stands where it stood: the same paid period (its end) and, inside a paid period, the same plan paid for.
 */
export type QuoteBasis = {
  /** The plan paid for when the quote was made inside a paid period; null outside one (the quote did not depend on it). */
  readonly planId: string | null;
  /** The end of the paid period the quote saw; null when nothing was paid yet. */
  readonly paidUntil: Date | null;
};

export function quoteBasis(billing: Billing | null, now: Date): QuoteBasis {
  return { planId: inPaidPeriod(billing, now) ? billing.planId : null, paidUntil: billing?.paidUntil ?? null };
}

/** Why an approved payment was not applied (it is refunded instead). */
export type RefusedPaymentReason = 'checkout_closed' | 'checkout_expired' | 'period_ended' | 'billing_changed';
export type PaymentVerdict = { readonly apply: true } | { readonly apply: false; readonly reason: RefusedPaymentReason };

/**
 * Whether an approved payment may be applied to the checkout it pays. A subscription's charges renew at the
 * subscription's price whatever checkout started it. Any other payment applies only to a checkout still waiting
 * for it, paid before the checkout expired, while the billing still stands on the quote's basis; an upgrade also
 * needs its paid period to be running still. Anything else is refunded: never a full period bought for the price
 * of its last days, nor an upgrade priced on a period that has since changed.
 */
export function judgePayment(input: {
  readonly kind: CheckoutKind;
  readonly checkout: { readonly status: string; readonly expiresAt: Date | null; readonly basis: QuoteBasis };
  readonly billing: Billing | null;
  /** When Mercado Pago approved the payment. */
  readonly paidAt: Date;
  readonly now: Date;
}): PaymentVerdict {
  const { kind, checkout, billing, paidAt, now } = input;
  if (kind === 'subscription') return { apply: true };
  if (checkout.status !== 'pending') return { apply: false, reason: 'checkout_closed' };
  if (kind === 'upgrade' && !inPaidPeriod(billing, now)) return { apply: false, reason: 'period_ended' };
  const sameEnd = (checkout.basis.paidUntil?.getTime() ?? null) === (billing?.paidUntil?.getTime() ?? null);
  const samePlan = checkout.basis.planId === null || checkout.basis.planId === billing?.planId;
  if (!sameEnd || !samePlan) return { apply: false, reason: 'billing_changed' };
  if (checkout.expiresAt && paidAt > checkout.expiresAt) return { apply: false, reason: 'checkout_expired' };
  return { apply: true };
}

/**
 * Until when a checkout can be paid: `expiryMinutes` from now, and an upgrade no later than the end of the period
 * it was priced on (Mercado Pago itself takes Pix codes of 30 minutes to 30 days: `providerExpiresAt`).
 */
export function checkoutExpiry(kind: CheckoutKind, billing: Billing | null, now: Date, expiryMinutes: number): { expiresAt: Date; providerExpiresAt: Date } {
  const wanted = new Date(now.getTime() + expiryMinutes * 60_000);
  const expiresAt = kind === 'upgrade' && inPaidPeriod(billing, now) && billing.paidUntil < wanted ? billing.paidUntil : wanted;
  const minimum = new Date(now.getTime() + 30 * 60_000);
  return { expiresAt, providerExpiresAt: expiresAt < minimum ? minimum : expiresAt };
}

/** The period an approved payment buys: a new period follows the current one; an upgrade ends with it. */
export function periodBought(kind: CheckoutKind, billing: Billing | null, now: Date, rules: BillingRules): { start: Date; end: Date } {
  if (kind === 'upgrade' && inPaidPeriod(billing, now)) return { start: now, end: billing.paidUntil };
  const start = inPaidPeriod(billing, now) ? billing.paidUntil : now;
  return { start, end: addDays(start, rules.periodDays) };
}

/** The billing after an approved payment for `planId` covering until `periodEnd`. */
export function applyApproval(billing: Billing | null, approval: { planId: string; method: PaymentMethod; periodEnd: Date; kind: CheckoutKind }): Billing {
  const paidUntil = billing?.paidUntil && billing.paidUntil > approval.periodEnd ? billing.paidUntil : approval.periodEnd;
  return {
    state: 'active',
    planId: approval.planId,
    method: approval.kind === 'upgrade' ? (billing?.method ?? approval.method) : approval.method,
    paidUntil,
    graceUntil: null,
    purgeAt: null,
    preapprovalId: billing?.preapprovalId ?? null,
    scheduledPlanId: approval.kind === 'upgrade' ? null : (billing?.scheduledPlanId ?? null),
    remindedFor: billing?.remindedFor ?? null,
  };
}

/** The longest courtesy an operator may grant at once. */
export const MAX_COURTESY_DAYS = 366;

/**
 * An operator's courtesy: the instance runs on `planId` until `until` without payment (billing active, method
 * `courtesy`); no renewal happens by itself, so at `until` dunning treats it as any unpaid period (grace, then
 * suspension and deletion) unless the owner pays. A scheduled downgrade is dropped (the operator chose the plan); a
 * card subscription is kept. Throws when `until` is not in the future or more than a year away.
 */
export function grantCourtesy(billing: Billing | null, planId: string, until: Date, now: Date): Billing {
  if (until <= now || until.getTime() - now.getTime() > MAX_COURTESY_DAYS * DAY) {
    throw new DomainError('invalid', 'courtesy_until_invalid', { max: MAX_COURTESY_DAYS });
  }
  return {
    state: 'active',
    planId,
    method: 'courtesy',
    paidUntil: until,
    graceUntil: null,
    purgeAt: null,
    preapprovalId: billing?.preapprovalId ?? null,
    scheduledPlanId: null,
    remindedFor: null,
  };
}

/** A refund or chargeback ends the period it paid for: grace starts now. */
export function applyReversal(billing: Billing, now: Date, rules: BillingRules): Billing {
  if (billing.state !== 'active' && billing.state !== 'grace') return billing;
  return { ...billing, state: 'grace', paidUntil: now, graceUntil: addDays(now, rules.graceDays) };
}

export type DunningAction =
  | { readonly type: 'remind'; readonly at: Date }
  | { readonly type: 'apply_scheduled_plan'; readonly planId: string }
  | { readonly type: 'grace'; readonly graceUntil: Date }
  | { readonly type: 'suspend'; readonly purgeAt: Date }
  | { readonly type: 'purge' };

/** The next step of renewal and dunning for one instance, or null when nothing is due. */
export function dunningStep(billing: Billing, now: Date, rules: BillingRules): DunningAction | null {
  const { state, paidUntil } = billing;
  if (state === 'active' && paidUntil) {
    if (paidUntil <= now) {
      if (billing.scheduledPlanId && billing.scheduledPlanId !== billing.planId) return { type: 'apply_scheduled_plan', planId: billing.scheduledPlanId };
      return { type: 'grace', graceUntil: addDays(paidUntil, rules.graceDays) };
    }
    const renewsItself = billing.method === 'card' && !!billing.preapprovalId;
    const dueSoon = addDays(paidUntil, -rules.reminderDays) <= now;
    if (!renewsItself && dueSoon && billing.remindedFor?.getTime() !== paidUntil.getTime()) return { type: 'remind', at: paidUntil };
    return null;
  }
  if (state === 'grace' && billing.graceUntil && billing.graceUntil <= now) return { type: 'suspend', purgeAt: addDays(now, rules.retentionDays) };
  if (state === 'suspended' && billing.purgeAt && billing.purgeAt <= now) return { type: 'purge' };
  return null;
}

/** How a Mercado Pago payment status counts for us. */
export function paymentOutcome(status: string): 'approved' | 'pending' | 'failed' | 'reversed' {
  switch (status) {
    case 'approved':
    case 'authorized':
      return 'approved';
    case 'refunded':
    case 'charged_back':
      return 'reversed';
    case 'rejected':
    case 'cancelled':
      return 'failed';
    default:
      return 'pending';
  }
}
