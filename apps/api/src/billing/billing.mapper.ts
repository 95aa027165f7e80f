import type { BillingDto, PaymentDto, REFUND_REASONS } from '@zapdeploy/contracts';
import type { BillingRecord, PaymentRecord } from '@zapdeploy/db';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toBillingDto(record: BillingRecord): BillingDto {
  return {
    state: record.state,
    planId: record.planId,
    method: record.method,
    paidUntil: iso(record.paidUntil),
    graceUntil: iso(record.graceUntil),
    purgeAt: iso(record.purgeAt),
    subscribed: !!record.preapprovalId,
    scheduledPlanId: record.scheduledPlanId,
  };
}

export function toPaymentDto(record: PaymentRecord): PaymentDto {
  return {
    id: record.id,
    checkoutId: record.checkoutId,
    planId: record.planId,
    method: record.method as PaymentDto['method'],
    kind: record.kind,
    amountCents: record.amountCents,
    status: record.status,
    statusDetail: record.statusDetail,
    periodStart: iso(record.periodStart),
    periodEnd: iso(record.periodEnd),
    approvedAt: iso(record.approvedAt),
    createdAt: record.createdAt.toISOString(),
    mercadoPagoId: record.mpPaymentId,
    refund: record.refundStatus ? { status: record.refundStatus as 'due' | 'requested', reason: record.refundReason as (typeof REFUND_REASONS)[number] } : null,
  };
}
