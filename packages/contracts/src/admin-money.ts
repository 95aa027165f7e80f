import { z } from 'zod';
import { IdParamSchema } from './common.js';
import type { RouteDef } from './routes.js';

/** Operator console, money areas (plans, finance): schemas and routes (spread into `routes`). All money is BRL cents. */

const Cents = z.number().int().min(0).max(100_000_000);
const PlanSlugSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and dashes, such as bot-plus');
const PlanNameSchema = z.string().trim().min(1).max(60);
const PlanLimits = {
  cpuMillis: z.number().int().min(50).max(64_000).describe('CPU, thousandths of a core'),
  memoryMb: z.number().int().min(64).max(262_144),
  diskMb: z.number().int().min(128).max(1_048_576),
};
const SortOrderSchema = z.number().int().min(0).max(10_000);

export const AdminPlanSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    tier: z.enum(['dev', 'production']),
    priceCents: z.number().int().describe('A month, BRL cents'),
    cpuMillis: z.number().int(),
    memoryMb: z.number().int(),
    diskMb: z.number().int(),
    archived: z.boolean().describe('No new instances on it; hidden from the public plan list'),
    sortOrder: z.number().int(),
    activeInstances: z.number().int().describe('Live instances on this plan'),
    mrrCents: z.number().int().describe('Monthly recurring revenue: the plan price of each active paid billing on it (courtesy excluded)'),
  })
  .meta({ id: 'AdminPlan' });
export type AdminPlanDto = z.infer<typeof AdminPlanSchema>;

export const AdminPlanListSchema = z.object({ items: z.array(AdminPlanSchema) }).meta({ id: 'AdminPlanList' });

export const CreatePlanSchema = z
  .object({
    slug: PlanSlugSchema,
    name: PlanNameSchema,
    tier: z.enum(['dev', 'production']),
    priceCents: Cents,
    ...PlanLimits,
    sortOrder: SortOrderSchema.optional(),
  })
  .strict()
  .describe('A dev plan is free (priceCents 0); a production plan has a price (422 plan_price_tier otherwise)')
  .meta({ id: 'CreatePlan' });
export type CreatePlan = z.infer<typeof CreatePlanSchema>;

export const UpdatePlanSchema = z
  .object({
    name: PlanNameSchema.optional(),
    priceCents: Cents.optional().describe('Applies to renewals from the next period (what was paid is not changed)'),
    cpuMillis: PlanLimits.cpuMillis.optional().describe('Applies to each instance at its next restart'),
    memoryMb: PlanLimits.memoryMb.optional().describe('Applies to each instance at its next restart'),
    diskMb: PlanLimits.diskMb.optional().describe('Applies to each instance at its next restart'),
    sortOrder: SortOrderSchema.optional(),
    archived: z.boolean().optional().describe('true: no new instances on it (those on it keep running and renewing)'),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change')
  .meta({ id: 'UpdatePlan' });
export type UpdatePlan = z.infer<typeof UpdatePlanSchema>;

export const UpdatedPlanSchema = AdminPlanSchema.extend({
  appliesFrom: z
    .object({ price: z.literal('next_period'), limits: z.literal('next_restart') })
    .describe('When changes reach instances: a price at each renewal after this, limits at each instance’s next restart'),
}).meta({ id: 'UpdatedPlan' });

const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM');

export const FinanceQuerySchema = z.object({ month: MonthSchema });
export const FinanceCsvQuerySchema = z
  .object({ from: MonthSchema, to: MonthSchema })
  .refine((range) => range.from <= range.to, { message: 'from must not be after to', path: ['to'] });

export const FinanceSchema = z
  .object({
    month: z.string(),
    revenueCents: z.number().int().describe('Payments applied that month minus refunds and chargebacks that month (plus, projected, renewals due)'),
    refundsCents: z.number().int().describe('Refunds and chargebacks made that month'),
    costCents: z.number().int().describe('Clusters (prorated by days active) plus cost lines'),
    marginCents: z.number().int(),
    projected: z.boolean().describe('The current month: open cluster periods run to its end and renewals still due are counted'),
    byPlan: z.array(
      z.object({
        planId: z.string(),
        planName: z.string(),
        revenueCents: z.number().int(),
        payments: z.number().int().describe('Payments applied that month'),
        allocatedCostCents: z.number().int().describe('Cluster cost allocated by memory requested'),
      }),
    ),
    byMethod: z.array(z.object({ method: z.enum(['pix', 'card']), revenueCents: z.number().int() })),
    byCluster: z.array(
      z.object({
        clusterId: z.string(),
        clusterName: z.string(),
        costCents: z.number().int(),
        activeDays: z.number().int(),
        idleCostCents: z.number().int().describe('The part of the cost no plan requested'),
      }),
    ),
    costLines: z.array(z.object({ id: z.string(), label: z.string(), amountCents: z.number().int() })),
  })
  .meta({ id: 'Finance' });
export type FinanceDto = z.infer<typeof FinanceSchema>;

export const CostLineSchema = z
  .object({ id: z.string(), month: z.string(), label: z.string(), amountCents: z.number().int(), createdAt: z.string() })
  .meta({ id: 'CostLine' });
export type CostLineDto = z.infer<typeof CostLineSchema>;
export const CostLineListSchema = z.object({ items: z.array(CostLineSchema) }).meta({ id: 'CostLineList' });
export const CreateCostLineSchema = z
  .object({ month: MonthSchema, label: z.string().trim().min(1).max(120), amountCents: Cents.refine((v) => v > 0, 'more than zero') })
  .strict()
  .meta({ id: 'CreateCostLine' });
export type CreateCostLine = z.infer<typeof CreateCostLineSchema>;

export const adminMoneyRoutes = {
  adminListPlans: {
    method: 'get',
    path: '/api/v1/admin/plans',
    summary: 'Every plan, archived ones too, with its live instances and monthly recurring revenue',
    tag: 'admin',
    auth: 'admin',
    permission: 'plans.read',
    responses: { 200: { description: 'Plans', schema: AdminPlanListSchema } },
  },
  adminCreatePlan: {
    method: 'post',
    path: '/api/v1/admin/plans',
    summary: 'Create a plan',
    tag: 'admin',
    auth: 'admin',
    permission: 'plans.write',
    body: CreatePlanSchema,
    responses: { 201: { description: 'Created', schema: AdminPlanSchema }, 409: { description: 'plan_slug_taken' } },
  },
  adminUpdatePlan: {
    method: 'patch',
    path: '/api/v1/admin/plans/{id}',
    summary: 'Change a plan (price: from each next renewal; limits: at each instance’s next restart) or archive it. Plans are never deleted.',
    tag: 'admin',
    auth: 'admin',
    permission: 'plans.write',
    params: IdParamSchema,
    body: UpdatePlanSchema,
    responses: {
      200: { description: 'Changed', schema: UpdatedPlanSchema },
      404: { description: 'plan_not_found' },
      503: { description: 'plan_reprice_failed: saved, but card subscriptions were not re-priced yet (send the same price again)' },
    },
  },
  adminFinance: {
    method: 'get',
    path: '/api/v1/admin/finance',
    summary: 'A month’s revenue, costs and margin (BRL cents); the current month is a projection',
    tag: 'admin',
    auth: 'admin',
    permission: 'finance.read',
    query: FinanceQuerySchema,
    responses: { 200: { description: 'The month', schema: FinanceSchema }, 422: { description: 'finance_month_future, validation_failed' } },
  },
  adminFinanceCsv: {
    method: 'get',
    path: '/api/v1/admin/finance.csv',
    summary: 'Months from `from` to `to` (at most 120) as CSV, one row per month (cents)',
    tag: 'admin',
    auth: 'admin',
    permission: 'finance.read',
    query: FinanceCsvQuerySchema,
    responses: { 200: { description: 'text/csv' }, 422: { description: 'finance_month_future, finance_range_too_long, validation_failed' } },
  },
  adminListCostLines: {
    method: 'get',
    path: '/api/v1/admin/finance/cost-lines',
    summary: 'A month’s cost lines (domains, e-mail, backups…)',
    tag: 'admin',
    auth: 'admin',
    permission: 'finance.read',
    query: FinanceQuerySchema,
    responses: { 200: { description: 'Cost lines', schema: CostLineListSchema } },
  },
  adminCreateCostLine: {
    method: 'post',
    path: '/api/v1/admin/finance/cost-lines',
    summary: 'Add a cost line to a month',
    tag: 'admin',
    auth: 'admin',
    permission: 'finance.read',
    body: CreateCostLineSchema,
    responses: { 201: { description: 'Added', schema: CostLineSchema } },
  },
  adminDeleteCostLine: {
    method: 'delete',
    path: '/api/v1/admin/finance/cost-lines/{id}',
    summary: 'Remove a cost line',
    tag: 'admin',
    auth: 'admin',
    permission: 'finance.read',
    params: IdParamSchema,
    responses: { 204: { description: 'Removed' }, 404: { description: 'cost_line_not_found' } },
  },
} as const satisfies Record<string, RouteDef>;
