import type { BillingRepository } from '@zapdeploy/db';
import type { MercadoPagoPort } from './mercadopago/port.js';
import type { Logger } from './notifications.js';

/**
 * Gives back approved payments the ledger would not apply (paid after their quote expired or its billing moved):
 * asks Mercado Pago for a full refund, with one idempotency key per payment, so that retries (after a failure, a
 * crash, or from another payments process) never refund twice. Mercado Pago then reports the payment `refunded`.
 */
export class Refunds {
  constructor(
    private readonly deps: {
      readonly billing: BillingRepository;
      readonly mercadopago: MercadoPagoPort;
      readonly logger: Logger;
      /** How long a claimed refund is left alone before it is tried again. */
      readonly claimMs: number;
    },
  ) {}

  static idempotencyKey(mpPaymentId: string): string {
    return `zapdeploy-refund-${mpPaymentId}`;
  }

  /** Asks for every refund due now; a failure is logged and retried after the claim. */
  async drain(): Promise<void> {
    const { billing, mercadopago, logger } = this.deps;
    for (;;) {
      const due = await billing.claimRefunds(20, this.deps.claimMs);
      if (due.length === 0) return;
      for (const payment of due) {
        try {
          const refund = await mercadopago.refundPayment(payment.mpPaymentId, Refunds.idempotencyKey(payment.mpPaymentId));
          await billing.refundRequested(payment.mpPaymentId);
          logger.info(`refund ${refund.id} of payment ${payment.mpPaymentId} (${refund.amountCents} cents): ${refund.status}`);
        } catch (error) {
          logger.error(`refund of payment ${payment.mpPaymentId} failed, retried later: ${String(error)}`);
        }
      }
    }
  }
}
