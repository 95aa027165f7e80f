import type { BillingRepository, ClaimedNotification, Db } from '@zapdeploy/db';
import { Periodic } from '@zapdeploy/infra';
import type { BillingLedger } from './ledger.js';
import { MercadoPagoError, type MercadoPagoPort } from './mercadopago/port.js';
import type { Refunds } from './refunds.js';
import type { Subscriptions } from './subscriptions.js';

/** Topics we act on; Mercado Pago sends others (merchant orders, claims…) that are acknowledged and dropped. */
const TOPICS = new Set(['payment', 'subscription_preapproval', 'subscription_authorized_payment']);

export type Logger = { info(message: string): void; error(message: string): void };

/**
 * Processes stored notifications: fetches each resource by id from Mercado Pago (the signature does not cover
 * the body, and IPN is unsigned), checks it against our records, and hands it to the ledger. Failures are
 * retried with backoff; a crash leaves the claim to expire and another processor takes it.
 */
export class NotificationProcessor {
  private readonly loop: Periodic;

  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly billing: BillingRepository;
      readonly mercadopago: MercadoPagoPort;
      readonly ledger: BillingLedger;
      readonly subscriptions: Subscriptions;
      readonly refunds: Refunds;
      readonly logger: Logger;
      readonly pollMs: number;
      readonly claimMs: number;
    },
  ) {
    this.loop = new Periodic(
      () => this.drain(),
      deps.pollMs,
      (error) => deps.logger.error(`notifications: ${String(error)}`),
    );
  }

  static wants(topic: string): boolean {
    return TOPICS.has(topic);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** A notification was stored: process it now rather than at the next poll. */
  nudge(): void {
    this.loop.nudge();
  }

  /** Processes everything due now, then asks for the refunds that are due (tests use it). */
  async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.deps.billing.claimNotifications(20, this.deps.claimMs);
      if (claimed.length === 0) break;
      for (const notification of claimed) await this.handle(notification);
    }
    await this.deps.refunds.drain();
  }

  private async handle(notification: ClaimedNotification): Promise<void> {
    const { billing, logger } = this.deps;
    try {
      const outcome = await this.process(notification.topic, notification.resourceId);
      await billing.notificationDone(notification.id);
      logger.info(`notification ${notification.topic} ${notification.resourceId}: ${outcome}`);
    } catch (error) {
      const permanent = error instanceof MercadoPagoError && error.status === 404 && notification.attempts >= 5;
      if (permanent) {
        await billing.notificationDone(notification.id);
        logger.error(`notification ${notification.topic} ${notification.resourceId}: dropped, Mercado Pago does not know it`);
        return;
      }
      const delay = Math.min(1000 * 2 ** notification.attempts, 15 * 60_000);
      await billing.notificationFailed(notification.id, String(error), new Date(Date.now() + delay));
      logger.error(`notification ${notification.topic} ${notification.resourceId}: ${String(error)} (retry in ${Math.round(delay / 1000)} s)`);
    }
  }

  private async process(topic: string, resourceId: string): Promise<string> {
    const { mercadopago, billing, ledger, subscriptions, logger } = this.deps;
    if (topic === 'subscription_preapproval') return subscriptions.sync(await mercadopago.getPreapproval(resourceId));
    if (topic === 'subscription_authorized_payment') {
      const charge = await mercadopago.getAuthorizedPayment(resourceId);
      if (!charge.payment) return `charge ${charge.status}, no payment yet`;
      return subscriptions.charge(charge.preapprovalId, {
        id: charge.payment.id,
        status: charge.payment.status,
        statusDetail: charge.payment.statusDetail,
        amountCents: charge.amountCents,
      });
    }
    if (topic !== 'payment') return 'ignored topic';
    const payment = await mercadopago.getPayment(resourceId);
    if (payment.preapprovalId) return subscriptions.charge(payment.preapprovalId, payment);
    const checkout = payment.externalReference ? await billing.findCheckout(payment.externalReference) : null;
    if (!checkout) return 'not ours (unknown external_reference)';
    const kind = checkout.kind === 'subscription' ? 'period' : (checkout.kind as 'period' | 'upgrade');
    const result = await ledger.report({
      mpPaymentId: payment.id,
      status: payment.status,
      statusDetail: payment.statusDetail,
      amountCents: payment.amountCents,
      checkout,
      kind,
      approvedAt: payment.approvedAt ? new Date(payment.approvedAt) : null,
    });
    if (result === 'refund_due')
      logger.error(`payment ${payment.id} for checkout ${checkout.id} not applied: approved after its quote expired or its billing changed; refunding`);
    // A paid upgrade also raises the card subscription (if any) to the new plan's price for the next charges.
    if (result === 'applied' && kind === 'upgrade') await subscriptions.retarget(checkout.instanceId, checkout.planId);
    return result;
  }
}
