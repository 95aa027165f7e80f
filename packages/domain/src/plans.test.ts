import { describe, expect, it } from 'vitest';
import { DomainError } from './errors.js';
import { assertPlanOpen, assertPlanPriceFitsTier } from './plans.js';

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

describe('plan rules', () => {
  it('keeps dev plans free and production plans priced', () => {
    expect(codeOf(() => assertPlanPriceFitsTier({ tier: 'dev', priceCents: 0 }))).toBeUndefined();
    expect(codeOf(() => assertPlanPriceFitsTier({ tier: 'production', priceCents: 1 }))).toBeUndefined();
    expect(codeOf(() => assertPlanPriceFitsTier({ tier: 'dev', priceCents: 100 }))).toBe('plan_price_tier');
    expect(codeOf(() => assertPlanPriceFitsTier({ tier: 'production', priceCents: 0 }))).toBe('plan_price_tier');
  });
  it('closes archived plans to new instances', () => {
    expect(codeOf(() => assertPlanOpen({ slug: 'bot', archived: true }))).toBe('plan_archived');
    expect(codeOf(() => assertPlanOpen({ slug: 'bot', archived: false }))).toBeUndefined();
    expect(codeOf(() => assertPlanOpen({ slug: 'bot' }))).toBeUndefined();
  });
});
