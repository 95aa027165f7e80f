import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  applyApproval,
  applyReversal,
  type Billing,
  checkoutExpiry,
  dunningStep,
  grantCourtesy,
  judgePayment,
  paymentOutcome,
  periodBought,
  prorate,
  quoteBasis,
  quoteCheckout,
  DEFAULT_BILLING_RULES as rules,
} from './billing.js';

const DAY = 86_400_000;
const now = new Date('2026-11-24T12:00:00Z');
const bot = { id: 'plan_bot', slug: 'bot', priceCents: 500, tier: 'production' } as const;
const pro = { id: 'plan_pro', slug: 'pro', priceCents: 5000, tier: 'production' } as const;
const dev = { id: 'plan_dev', slug: 'dev', priceCents: 0, tier: 'dev' } as const;
const active = (over: Partial<Billing> = {}): Billing => ({
  state: 'active',
  planId: bot.id,
  method: 'pix',
  paidUntil: new Date(now.getTime() + 15 * DAY),
  graceUntil: null,
  purgeAt: null,
  preapprovalId: null,
  scheduledPlanId: null,
  remindedFor: null,
  ...over,
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
  return 'no error';
}

describe('quoteCheckout', () => {
  it('charges a full period for an instance without one, by Pix or as a card subscription', () => {
    expect(quoteCheckout({ billing: null, paidPlan: null, target: bot, method: 'pix', now, rules })).toEqual({ kind: 'period', amountCents: 500 });
    expect(quoteCheckout({ billing: null, paidPlan: null, target: pro, method: 'card', now, rules })).toEqual({ kind: 'subscription', amountCents: 5000 });
  });

  it('charges the difference for the rest of the period on an upgrade', () => {
    const quote = quoteCheckout({ billing: active(), paidPlan: bot, target: pro, method: 'pix', now, rules });
    expect(quote).toEqual({ kind: 'upgrade', amountCents: 2250 }); // (5000 - 500) × 15/30
  });

  it('refuses free plans, cheaper plans inside a period, and a second card subscription', () => {
    expect(codeOf(() => quoteCheckout({ billing: null, paidPlan: null, target: dev, method: 'pix', now, rules }))).toBe('plan_not_billable');
    expect(codeOf(() => quoteCheckout({ billing: active({ planId: pro.id }), paidPlan: pro, target: bot, method: 'pix', now, rules }))).toBe(
      'downgrade_at_period_end',
    );
    expect(
      codeOf(() => quoteCheckout({ billing: active({ method: 'card', preapprovalId: 'p1' }), paidPlan: bot, target: bot, method: 'card', now, rules })),
    ).toBe('already_subscribed');
  });

  it('treats an expired or suspended period as no period', () => {
    const expired = active({ paidUntil: new Date(now.getTime() - DAY) });
    expect(quoteCheckout({ billing: expired, paidPlan: bot, target: pro, method: 'pix', now, rules }).kind).toBe('period');
    expect(quoteCheckout({ billing: active({ state: 'suspended' }), paidPlan: bot, target: bot, method: 'pix', now, rules }).kind).toBe('period');
  });
});

describe('periods and approvals', () => {
  it('a renewal starts when the current period ends; an upgrade ends with it', () => {
    const billing = active();
    expect(periodBought('period', billing, now, rules)).toEqual({ start: billing.paidUntil, end: new Date((billing.paidUntil as Date).getTime() + 30 * DAY) });
    expect(periodBought('upgrade', billing, now, rules)).toEqual({ start: now, end: billing.paidUntil });
    expect(periodBought('period', null, now, rules)).toEqual({ start: now, end: new Date(now.getTime() + 30 * DAY) });
  });

  it('an approval activates, clears grace, and never shortens the period', () => {
    const grace = active({ state: 'grace', graceUntil: now, scheduledPlanId: 'x' });
    const after = applyApproval(grace, { planId: pro.id, method: 'pix', periodEnd: new Date(now.getTime() + DAY), kind: 'upgrade' });
    expect(after).toMatchObject({ state: 'active', planId: pro.id, graceUntil: null, scheduledPlanId: null, paidUntil: grace.paidUntil });
  });

  it('a reversal ends the paid period and starts grace', () => {
    expect(applyReversal(active(), now, rules)).toMatchObject({ state: 'grace', paidUntil: now, graceUntil: new Date(now.getTime() + 3 * DAY) });
  });

  it('prorates with at least one cent and never more than the difference', () => {
    expect(prorate(4500, 0, 30 * DAY)).toBe(1);
    expect(prorate(4500, 60 * DAY, 30 * DAY)).toBe(4500);
  });
});

describe('dunningStep', () => {
  it('reminds once before a Pix period ends, not for card subscriptions', () => {
    const soon = active({ paidUntil: new Date(now.getTime() + 2 * DAY) });
    expect(dunningStep(soon, now, rules)).toEqual({ type: 'remind', at: soon.paidUntil });
    expect(dunningStep({ ...soon, remindedFor: soon.paidUntil }, now, rules)).toBeNull();
    expect(dunningStep({ ...soon, method: 'card', preapprovalId: 'p' }, now, rules)).toBeNull();
    expect(dunningStep(active(), now, rules)).toBeNull();
  });

  it('grace after the period, suspension after grace, deletion after retention', () => {
    const ended = active({ paidUntil: new Date(now.getTime() - 1000) });
    expect(dunningStep(ended, now, rules)).toEqual({ type: 'grace', graceUntil: new Date(now.getTime() - 1000 + 3 * DAY) });
    expect(dunningStep(active({ state: 'grace', graceUntil: now }), now, rules)).toEqual({ type: 'suspend', purgeAt: new Date(now.getTime() + 30 * DAY) });
    expect(dunningStep(active({ state: 'suspended', purgeAt: now }), now, rules)).toEqual({ type: 'purge' });
    expect(dunningStep(active({ state: 'suspended', purgeAt: new Date(now.getTime() + 1) }), now, rules)).toBeNull();
  });

  it('applies a scheduled downgrade when the period ends', () => {
    expect(dunningStep(active({ paidUntil: now, scheduledPlanId: dev.id }), now, rules)).toEqual({ type: 'apply_scheduled_plan', planId: dev.id });
  });
});

it('maps Mercado Pago statuses', () => {
  expect(['approved', 'authorized', 'pending', 'in_process', 'rejected', 'cancelled', 'refunded', 'charged_back'].map(paymentOutcome)).toEqual([
    'approved',
    'approved',
    'pending',
    'pending',
    'failed',
    'failed',
    'reversed',
    'reversed',
  ]);
});

describe('judgePayment', () => {
  const paidUntil = new Date(now.getTime() + 15 * DAY);
  const basis = quoteBasis(active({ paidUntil }), now);
  const pending = { status: 'pending', expiresAt: new Date(now.getTime() + 30 * 60_000), basis };
  const later = (ms: number) => new Date(now.getTime() + ms);
  const renewed = active({ paidUntil: new Date(paidUntil.getTime() + 30 * DAY) });
  const upgraded = active({ paidUntil, planId: pro.id });
  const lapsed = active({ state: 'grace', paidUntil, graceUntil: new Date(paidUntil.getTime() + 3 * DAY) });
  const table: [string, Parameters<typeof judgePayment>[0], ReturnType<typeof judgePayment>][] = [
    [
      'an upgrade paid in time, nothing changed',
      { kind: 'upgrade', checkout: pending, billing: active({ paidUntil }), paidAt: later(60_000), now: later(60_000) },
      { apply: true },
    ],
    [
      'a subscription charge, whatever its checkout',
      { kind: 'subscription', checkout: { ...pending, status: 'approved' }, billing: renewed, paidAt: later(40 * DAY), now: later(40 * DAY) },
      { apply: true },
    ],
    [
      'a second payment of a checkout already paid',
      { kind: 'upgrade', checkout: { ...pending, status: 'approved' }, billing: active({ paidUntil }), paidAt: later(60_000), now: later(60_000) },
      { apply: false, reason: 'checkout_closed' },
    ],
    [
      'an upgrade paid after its period ended',
      { kind: 'upgrade', checkout: { ...pending, expiresAt: null }, billing: active({ paidUntil }), paidAt: later(16 * DAY), now: later(16 * DAY) },
      { apply: false, reason: 'period_ended' },
    ],
    [
      'an upgrade of a period in grace',
      { kind: 'upgrade', checkout: pending, billing: lapsed, paidAt: later(60_000), now: later(16 * DAY) },
      { apply: false, reason: 'period_ended' },
    ],
    [
      'an upgrade after a renewal moved the period end',
      { kind: 'upgrade', checkout: pending, billing: renewed, paidAt: later(60_000), now: later(60_000) },
      { apply: false, reason: 'billing_changed' },
    ],
    [
      'an upgrade after another upgrade changed the plan',
      { kind: 'upgrade', checkout: pending, billing: upgraded, paidAt: later(60_000), now: later(60_000) },
      { apply: false, reason: 'billing_changed' },
    ],
    [
      'an upgrade paid after its checkout expired',
      { kind: 'upgrade', checkout: pending, billing: active({ paidUntil }), paidAt: later(31 * 60_000), now: later(31 * 60_000) },
      { apply: false, reason: 'checkout_expired' },
    ],
    [
      'a first period, nothing paid before',
      { kind: 'period', checkout: { ...pending, basis: quoteBasis(null, now) }, billing: null, paidAt: later(60_000), now: later(60_000) },
      { apply: true },
    ],
    [
      'a first period after another payment started a period',
      { kind: 'period', checkout: { ...pending, basis: quoteBasis(null, now) }, billing: active(), paidAt: later(60_000), now: later(60_000) },
      { apply: false, reason: 'billing_changed' },
    ],
    [
      'a renewal paid in grace (same period end, plan not part of the basis)',
      {
        kind: 'period',
        checkout: { ...pending, expiresAt: later(16 * DAY + 30 * 60_000), basis: quoteBasis(lapsed, later(16 * DAY)) },
        billing: { ...lapsed, planId: pro.id },
        paidAt: later(16 * DAY),
        now: later(16 * DAY),
      },
      { apply: true },
    ],
    [
      'a Pix paid after its expiry',
      { kind: 'period', checkout: pending, billing: active({ paidUntil }), paidAt: later(2 * DAY), now: later(2 * DAY) },
      { apply: false, reason: 'checkout_expired' },
    ],
  ];
  it.each(table)('%s', (_name, input, verdict) => {
    expect(judgePayment(input)).toEqual(verdict);
  });
});

describe('checkoutExpiry', () => {
  it('gives a checkout its minutes, and an upgrade no more than its period (Mercado Pago takes Pix of 30 minutes or more)', () => {
    const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
    expect(checkoutExpiry('period', active(), now, 60)).toEqual({ expiresAt: minutes(60), providerExpiresAt: minutes(60) });
    expect(checkoutExpiry('upgrade', active(), now, 60)).toEqual({ expiresAt: minutes(60), providerExpiresAt: minutes(60) });
    const ending = active({ paidUntil: minutes(10) });
    expect(checkoutExpiry('upgrade', ending, now, 60)).toEqual({ expiresAt: minutes(10), providerExpiresAt: minutes(30) });
    expect(checkoutExpiry('upgrade', active({ paidUntil: minutes(45) }), now, 60)).toEqual({ expiresAt: minutes(45), providerExpiresAt: minutes(45) });
  });
});

describe('grantCourtesy', () => {
  it('runs the instance on the plan until the date, unpaid, keeping a card subscription and dropping a scheduled downgrade', () => {
    const until = new Date(now.getTime() + 60 * DAY);
    const granted = grantCourtesy(active({ state: 'suspended', preapprovalId: 'pre_1', scheduledPlanId: dev.id, purgeAt: now }), pro.id, until, now);
    expect(granted).toEqual({
      state: 'active',
      planId: pro.id,
      method: 'courtesy',
      paidUntil: until,
      graceUntil: null,
      purgeAt: null,
      preapprovalId: 'pre_1',
      scheduledPlanId: null,
      remindedFor: null,
    });
    expect(grantCourtesy(null, bot.id, until, now)).toMatchObject({ state: 'active', method: 'courtesy', preapprovalId: null });
  });

  it('refuses an end in the past, now, or more than a year away', () => {
    expect(codeOf(() => grantCourtesy(null, bot.id, now, now))).toBe('courtesy_until_invalid');
    expect(codeOf(() => grantCourtesy(null, bot.id, new Date(now.getTime() - DAY), now))).toBe('courtesy_until_invalid');
    expect(codeOf(() => grantCourtesy(null, bot.id, new Date(now.getTime() + 367 * DAY), now))).toBe('courtesy_until_invalid');
    expect(codeOf(() => grantCourtesy(null, bot.id, new Date(now.getTime() + 365 * DAY), now))).toBe('no error');
  });

  it('ends as an unpaid period would: a reminder before, grace at the end, then suspension', () => {
    const until = new Date(now.getTime() + 10 * DAY);
    const courtesy = grantCourtesy(null, bot.id, until, now);
    expect(dunningStep(courtesy, new Date(now.getTime() + 2 * DAY), rules)).toBeNull();
    expect(dunningStep(courtesy, new Date(until.getTime() - DAY), rules)).toEqual({ type: 'remind', at: until });
    expect(dunningStep(courtesy, until, rules)).toEqual({ type: 'grace', graceUntil: new Date(until.getTime() + rules.graceDays * DAY) });
  });
});
