import { z } from 'zod';

/** A versioned message contract: one name, one version, one schema. */
export type MessageDef<S extends z.ZodType = z.ZodType> = { readonly name: string; readonly version: number; readonly schema: S };

export const InstanceReconcileV1 = {
  name: 'instance.reconcile',
  version: 1,
  schema: z.object({ instanceId: z.string(), generation: z.number().int(), reason: z.string() }),
} as const satisfies MessageDef;
export type InstanceReconcile = z.infer<typeof InstanceReconcileV1.schema>;

// --- Billing events: written by the payments service through its outbox; the API applies them to instances. ---

/** A payment was approved and applied: the instance runs on `planId`, paid until `paidUntil`. Sent once per payment. */
export const PaymentApprovedV1 = {
  name: 'payment.approved',
  version: 1,
  schema: z.object({
    instanceId: z.string(),
    ownerId: z.string().nullable(),
    paymentId: z.string(),
    planId: z.string(),
    amountCents: z.number().int(),
    paidUntil: z.iso.datetime(),
  }),
} as const satisfies MessageDef;

/** A payment was refunded or charged back: the paid period it bought has ended. */
export const PaymentReversedV1 = {
  name: 'payment.reversed',
  version: 1,
  schema: z.object({ instanceId: z.string(), ownerId: z.string().nullable(), paymentId: z.string(), reason: z.enum(['refunded', 'charged_back']) }),
} as const satisfies MessageDef;

/** A downgrade took effect at the end of the paid period. */
export const BillingPlanChangedV1 = {
  name: 'billing.plan_changed',
  version: 1,
  schema: z.object({ instanceId: z.string(), planId: z.string() }),
} as const satisfies MessageDef;

/** Dunning: a reminder before a Pix period ends, the grace period after, then the instance paused. */
export const BillingDunningV1 = {
  name: 'billing.dunning',
  version: 1,
  schema: z.object({
    instanceId: z.string(),
    ownerId: z.string().nullable(),
    stage: z.enum(['reminder', 'grace', 'suspended']),
    /** reminder: when the period ends; grace: when the instance is paused; suspended: when its data is deleted. */
    at: z.iso.datetime(),
  }),
} as const satisfies MessageDef;

/** An unpaid instance's retention ended: it is deleted with its data. */
export const BillingEndedV1 = {
  name: 'billing.ended',
  version: 1,
  schema: z.object({ instanceId: z.string() }),
} as const satisfies MessageDef;

export const BILLING_EVENTS = [PaymentApprovedV1, PaymentReversedV1, BillingPlanChangedV1, BillingDunningV1, BillingEndedV1] as const;

/** Every message the platform sends, for relays that publish the shared outbox. */
export const MESSAGE_CATALOG: readonly MessageDef[] = [InstanceReconcileV1, ...BILLING_EVENTS];
