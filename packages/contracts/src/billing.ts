import { z } from 'zod';

export const CHECKOUT_METHODS = ['pix', 'card'] as const;
/** How a billing period was obtained: paid (Pix, card) or granted by an operator without payment (courtesy). */
export const BILLING_METHODS = ['pix', 'card', 'courtesy'] as const;
/** Why an approved payment was refunded instead of applied. */
export const REFUND_REASONS = ['checkout_closed', 'checkout_expired', 'period_ended', 'billing_changed'] as const;

export const CheckoutRequestSchema = z
  .object({
    planId: z.string().min(1).max(64),
    method: z.enum(CHECKOUT_METHODS),
  })
  .meta({ id: 'CheckoutRequest' });
export type CheckoutRequest = z.infer<typeof CheckoutRequestSchema>;

export const CheckoutSchema = z
  .object({
    checkoutId: z.string(),
    method: z.enum(CHECKOUT_METHODS),
    status: z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled', 'refunded']),
    kind: z
      .enum(['period', 'upgrade', 'subscription'])
      .describe('A new paid period, the difference of an upgrade for the rest of the period, or a card subscription'),
    planId: z.string(),
    amountCents: z.number().int(),
    pix: z.object({ qrCode: z.string().describe('Pix "copia e cola"'), qrCodeBase64: z.string().describe('PNG, base64'), expiresAt: z.string() }).optional(),
    redirectUrl: z.string().optional().describe('Mercado Pago page where the buyer pays by card'),
    createdAt: z.string(),
  })
  .meta({ id: 'Checkout' });
export type CheckoutDto = z.infer<typeof CheckoutSchema>;

export const BillingSchema = z
  .object({
    state: z.enum(['awaiting_payment', 'active', 'grace', 'suspended', 'ended']),
    planId: z.string(),
    method: z.enum(BILLING_METHODS).nullable().describe('courtesy: granted by an operator, no payment'),
    paidUntil: z.string().nullable(),
    graceUntil: z.string().nullable(),
    purgeAt: z.string().nullable(),
    subscribed: z.boolean().describe('A card subscription renews the period automatically'),
    scheduledPlanId: z.string().nullable().describe('A downgrade applied when the paid period ends'),
  })
  .meta({ id: 'Billing' });
export type BillingDto = z.infer<typeof BillingSchema>;

export const PaymentSchema = z
  .object({
    id: z.string(),
    checkoutId: z.string().nullable(),
    planId: z.string(),
    method: z.enum(CHECKOUT_METHODS),
    kind: z.string(),
    amountCents: z.number().int(),
    status: z.string(),
    statusDetail: z.string().nullable(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    approvedAt: z.string().nullable(),
    createdAt: z.string(),
    mercadoPagoId: z.string().describe('Receipt reference at Mercado Pago'),
    refund: z
      .object({
        status: z.enum(['due', 'requested']).describe('due: to be asked of Mercado Pago; requested: Mercado Pago is refunding it'),
        reason: z.enum(REFUND_REASONS),
      })
      .nullable()
      .describe('An approved payment that was not applied (paid after its quote expired, or the plan or period changed since) and is refunded'),
  })
  .meta({ id: 'Payment' });
export type PaymentDto = z.infer<typeof PaymentSchema>;

export const PaymentListSchema = z
  .object({
    billing: BillingSchema.nullable(),
    /** The newest checkout still waiting for payment (a Pix QR to show again). */
    pendingCheckout: CheckoutSchema.nullable(),
    items: z.array(PaymentSchema),
  })
  .meta({ id: 'PaymentList' });
export type PaymentListDto = z.infer<typeof PaymentListSchema>;

/** A stored checkout as the API shows it (the Pix QR only while it can be paid). */
export function toCheckoutDto(row: {
  readonly id: string;
  readonly method: string;
  readonly status: string;
  readonly kind: string;
  readonly planId: string;
  readonly amountCents: number;
  readonly pixQrCode: string | null;
  readonly pixQrBase64: string | null;
  readonly expiresAt: Date | null;
  readonly redirectUrl: string | null;
  readonly createdAt: Date;
}): CheckoutDto {
  return {
    checkoutId: row.id,
    method: row.method as CheckoutDto['method'],
    status: row.status as CheckoutDto['status'],
    kind: row.kind as CheckoutDto['kind'],
    planId: row.planId,
    amountCents: row.amountCents,
    ...(row.pixQrCode && row.pixQrBase64 && row.expiresAt
      ? { pix: { qrCode: row.pixQrCode, qrCodeBase64: row.pixQrBase64, expiresAt: row.expiresAt.toISOString() } }
      : {}),
    ...(row.redirectUrl ? { redirectUrl: row.redirectUrl } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}
