import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { assertCanChangePlan, assertCanCreateInstance } from './instance-policy.js';
import type { Plan } from './plans.js';

const dev: Plan = { id: 'plan_dev', slug: 'dev', name: 'Dev', priceCents: 0, currency: 'BRL', cpuMillis: 250, memoryMb: 256, diskMb: 1024, tier: 'dev' };
const pro: Plan = { ...dev, id: 'plan_pro', slug: 'pro', name: 'Pro', priceCents: 5000, tier: 'production' };
const base = { isGuest: false, plan: dev, liveDevInstances: 0, liveInstances: 0, billingEnforced: true };

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe(assertCanCreateInstance.name, () => {
  it('lets a guest create one dev instance', () => {
    expect(codeOf(() => assertCanCreateInstance({ ...base, isGuest: true }))).toBeUndefined();
  });
  it('refuses a second instance to a guest', () => {
    expect(codeOf(() => assertCanCreateInstance({ ...base, isGuest: true, liveInstances: 1, liveDevInstances: 1 }))).toBe('guest_instance_limit');
  });
  it('refuses production plans to guests', () => {
    expect(codeOf(() => assertCanCreateInstance({ ...base, isGuest: true, plan: pro }))).toBe('guest_plan_not_allowed');
  });
  it('limits everyone to one free dev instance', () => {
    expect(codeOf(() => assertCanCreateInstance({ ...base, liveDevInstances: 1, liveInstances: 3 }))).toBe('dev_instance_limit');
  });
  it('holds a user to the cap an operator set on their live instances, whatever the plan', () => {
    expect(codeOf(() => assertCanCreateInstance({ ...base, plan: pro, liveInstances: 2, maxInstances: 2 }))).toBe('instance_limit');
    expect(codeOf(() => assertCanCreateInstance({ ...base, plan: pro, liveInstances: 0, maxInstances: 0 }))).toBe('instance_limit');
    expect(codeOf(() => assertCanCreateInstance({ ...base, plan: pro, liveInstances: 1, maxInstances: 2 }))).toBeUndefined();
    expect(codeOf(() => assertCanCreateInstance({ ...base, plan: pro, liveInstances: 40, maxInstances: null }))).toBeUndefined();
  });
  it('creates production plans awaiting payment when billing is enforced', () => {
    expect(assertCanCreateInstance({ ...base, plan: pro })).toEqual({ awaitingPayment: true });
    expect(assertCanCreateInstance({ ...base, plan: pro, billingEnforced: false })).toEqual({ awaitingPayment: false });
    expect(assertCanCreateInstance({ ...base, plan: dev })).toEqual({ awaitingPayment: false });
  });
  it('refuses an archived plan to everyone', () => {
    expect(codeOf(() => assertCanCreateInstance({ ...base, plan: { ...pro, archived: true } }))).toBe('plan_archived');
    expect(codeOf(() => assertCanCreateInstance({ ...base, plan: { ...pro, archived: false } }))).toBeUndefined();
  });
});

describe('archived plans and changes', () => {
  it('refuses moving an instance onto an archived plan, not staying on one', () => {
    const archived = { ...pro, archived: true };
    const change = { isGuest: false, liveDevInstances: 0, billingEnforced: false };
    expect(codeOf(() => assertCanChangePlan({ ...change, from: dev, to: archived }))).toBe('plan_archived');
    expect(codeOf(() => assertCanChangePlan({ ...change, from: archived, to: archived }))).toBeUndefined();
    expect(codeOf(() => assertCanChangePlan({ ...change, from: archived, to: dev }))).toBeUndefined();
  });
});

describe(assertCanChangePlan.name, () => {
  it('keeps guests on the dev plan', () => {
    expect(codeOf(() => assertCanChangePlan({ isGuest: true, from: dev, to: pro, liveDevInstances: 1, billingEnforced: false }))).toBe(
      'guest_plan_not_allowed',
    );
  });
  it('sells dearer plans through a checkout, and lets cheaper ones through', () => {
    const bot = { ...pro, id: 'plan_bot', slug: 'bot', priceCents: 500 };
    expect(codeOf(() => assertCanChangePlan({ isGuest: false, from: dev, to: pro, liveDevInstances: 0, billingEnforced: true }))).toBe('plan_requires_payment');
    expect(codeOf(() => assertCanChangePlan({ isGuest: false, from: bot, to: pro, liveDevInstances: 0, billingEnforced: true }))).toBe('plan_requires_payment');
    expect(codeOf(() => assertCanChangePlan({ isGuest: false, from: pro, to: bot, liveDevInstances: 0, billingEnforced: true }))).toBeUndefined();
    expect(codeOf(() => assertCanChangePlan({ isGuest: false, from: dev, to: pro, liveDevInstances: 0, billingEnforced: false }))).toBeUndefined();
  });
  it('allows staying on the same plan', () => {
    expect(codeOf(() => assertCanChangePlan({ isGuest: true, from: dev, to: dev, liveDevInstances: 1, billingEnforced: true }))).toBeUndefined();
  });
});
