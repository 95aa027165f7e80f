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
};

export const DEV_PLAN_SLUG = 'dev';
