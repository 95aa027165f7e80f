import { PaymentApprovedV1, PaymentReversedV1 } from '@zapdeploy/contracts';
import type { BillingRepository, CheckoutRecord, Db, OutboxRepository } from '@zapdeploy/db';
import {
  applyApproval,
  applyReversal,
  type BillingRules,
  type CheckoutKind,
  judgePayment,
  type PaymentMethod,
  paymentOutcome,
  periodBought,
} from '@zapdeploy/domain';

/** A payment as Mercado Pago reports it, matched to our checkout. */
export type ReportedPayment = {
  readonly mpPaymentId: string;
  readonly status: string;
  readonly statusDetail: string | null;
  readonly amountCents: number;
  readonly checkout: CheckoutRecord;
  /** What this payment is for: a subscription's renewals are `subscription` whatever checkout started it. */
  readonly kind: CheckoutKind;
  /** The card subscription that made this charge (set on the billing even if its authorization is not processed yet). */
  readonly preapprovalId?: string;
  /** When Mercado Pago approved it (`date_approved`); now when it does not say. */
  readonly approvedAt?: Date | null;
};

/** `refund_due`: approved, but not for what its checkout quoted any more (late, or the billing moved): to be refunded. */
export type LedgerResult = 'applied' | 'reversed' | 'recorded' | 'mismatch' | 'refund_due';

/**
 * Applies what Mercado Pago reports to an instance's billing, in one transaction with the events it causes
 * (outbox). Each Mercado Pago payment activates at most once and is reversed at most once, however many
 * times, late or out of order, its notifications arrive.
 */
export class BillingLedger {
  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly billing: BillingRepository;
      readonly outbox: OutboxRepository;
      readonly rules: BillingRules;
      readonly clock: () => Date;
    },
  ) {}

  async report(payment: ReportedPayment): Promise<LedgerResult> {
    const { db, billing, outbox, rules } = this.deps;
    const { checkout } = payment;
    const method = checkout.method as PaymentMethod;
    return db.transaction(async (tx) => {
      const current = await billing.lock(checkout.instanceId, tx);
      const known = await billing.findPayment(payment.mpPaymentId, tx);
      // Amounts are compared with what we asked for: a payment for another amount is recorded, never applied.
      const amountOk = payment.amountCents === checkout.amountCents;
      await billing.recordPayment(
        {
          instanceId: checkout.instanceId,
          checkoutId: checkout.id,
          mpPaymentId: payment.mpPaymentId,
          planId: checkout.planId,
          method,
          kind: payment.kind,
          amountCents: payment.amountCents,
          status: amountOk ? payment.status : 'mismatch',
          statusDetail: amountOk ? payment.statusDetail : `expected ${checkout.amountCents} cents, paid ${payment.amountCents}`,
        },
        tx,
      );
      if (!amountOk) return 'mismatch';
      const outcome = paymentOutcome(payment.status);
      const now = this.deps.clock();
      if (outcome === 'approved') {
        if (known?.approvedAt || known?.refundStatus) return 'recorded';
        // A quote is worth what it said only on the billing it was computed from, and only while it can be paid.
        const quoted = (await billing.lockCheckout(checkout.id, tx)) ?? checkout;
        const verdict = judgePayment({
          kind: payment.kind,
          checkout: { status: quoted.status, expiresAt: quoted.expiresAt, basis: { planId: quoted.basisPlanId, paidUntil: quoted.basisPaidUntil } },
          billing: current,
          paidAt: payment.approvedAt ?? now,
          now,
        });
        if (!verdict.apply) {
          if (!(await billing.markRefundDue(payment.mpPaymentId, verdict.reason, tx))) return 'recorded';
          if (quoted.status === 'pending') await billing.updateCheckout(checkout.id, { status: 'expired' }, tx);
          return 'refund_due';
        }
        const period = periodBought(payment.kind, current, now, rules);
        if (!(await billing.markApplied(payment.mpPaymentId, period, tx))) return 'recorded';
        const applied = applyApproval(current, { planId: checkout.planId, method, periodEnd: period.end, kind: payment.kind });
        const next = payment.preapprovalId ? { ...applied, method: 'card' as const, preapprovalId: applied.preapprovalId ?? payment.preapprovalId } : applied;
        await billing.save(checkout.instanceId, checkout.ownerId, { ...next, suspendedAt: null }, tx);
        if (payment.kind !== 'subscription') await billing.updateCheckout(checkout.id, { status: 'approved' }, tx);
        await outbox.add(
          {
            name: PaymentApprovedV1.name,
            version: PaymentApprovedV1.version,
            payload: {
              instanceId: checkout.instanceId,
              ownerId: checkout.ownerId,
              paymentId: payment.mpPaymentId,
              planId: checkout.planId,
              amountCents: payment.amountCents,
              paidUntil: (next.paidUntil ?? period.end).toISOString(),
            },
          },
          tx,
        );
        return 'applied';
      }
      if (outcome === 'reversed') {
        if (!(await billing.markReversed(payment.mpPaymentId, tx)) || !current) return 'recorded';
        await billing.save(checkout.instanceId, checkout.ownerId, applyReversal(current, now, rules), tx);
        await outbox.add(
          {
            name: PaymentReversedV1.name,
            version: PaymentReversedV1.version,
            payload: {
              instanceId: checkout.instanceId,
              ownerId: checkout.ownerId,
              paymentId: payment.mpPaymentId,
              reason: payment.status === 'charged_back' ? 'charged_back' : 'refunded',
            },
          },
          tx,
        );
        return 'reversed';
      }
      // A failed Pix ends its checkout; a card declined on a Checkout Pro page leaves it open for another card.
      if (outcome === 'failed' && payment.kind !== 'subscription' && checkout.status === 'pending' && checkout.mpPaymentId === payment.mpPaymentId) {
        await billing.updateCheckout(checkout.id, { status: payment.status === 'cancelled' ? 'expired' : 'rejected' }, tx);
      }
      return 'recorded';
    });
  }
}
