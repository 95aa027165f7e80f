import type { BillingRepository, Db, PlanRepository } from '@zapdeploy/db';
import type { BillingLedger } from './ledger.js';
import type { MercadoPagoPort, MpPreapproval } from './mercadopago/port.js';

type Charge = { readonly id: string; readonly status: string; readonly statusDetail: string | null; readonly amountCents: number };

/** Card subscriptions (Mercado Pago preapprovals), one per instance: authorization, charges, cancellation, price changes. */
export class Subscriptions {
  constructor(
    private readonly deps: {
      readonly db: Db;
      readonly billing: BillingRepository;
      readonly plans: PlanRepository;
      readonly mercadopago: MercadoPagoPort;
      readonly ledger: BillingLedger;
    },
  ) {}

  /** Brings our record in line with a preapproval's current status. */
  async sync(preapproval: MpPreapproval): Promise<string> {
    const { db, billing, mercadopago } = this.deps;
    const checkout = await billing.findCheckoutByPreapproval(preapproval.id);
    if (!checkout) return 'not ours (unknown preapproval)';
    if (preapproval.externalReference !== checkout.instanceId) return 'mismatch (external_reference)';
    if (preapproval.status === 'authorized') {
      const replaced = await db.transaction(async (tx) => {
        const current = await billing.lock(checkout.instanceId, tx);
        const previous = current?.preapprovalId ?? null;
        await billing.save(
          checkout.instanceId,
          checkout.ownerId,
          {
            state: current?.state ?? 'awaiting_payment',
            planId: current?.planId ?? checkout.planId,
            method: 'card',
            paidUntil: current?.paidUntil ?? null,
            graceUntil: current?.graceUntil ?? null,
            purgeAt: current?.purgeAt ?? null,
            suspendedAt: current?.suspendedAt ?? null,
            preapprovalId: preapproval.id,
            scheduledPlanId: current?.scheduledPlanId ?? null,
            remindedFor: current?.remindedFor ?? null,
          },
          tx,
        );
        if (checkout.status === 'pending') await billing.updateCheckout(checkout.id, { status: 'approved' }, tx);
        return previous && previous !== preapproval.id ? previous : null;
      });
      // One subscription per instance: a new card replaces the old subscription.
      if (replaced) await mercadopago.updatePreapproval(replaced, { status: 'cancelled' });
      return 'subscription authorized';
    }
    if (preapproval.status === 'cancelled' || preapproval.status === 'paused') {
      await db.transaction(async (tx) => {
        const current = await billing.lock(checkout.instanceId, tx);
        // The period already paid still runs to its end; dunning takes over after it.
        if (current?.preapprovalId === preapproval.id) await billing.save(checkout.instanceId, checkout.ownerId, { ...current, preapprovalId: null }, tx);
        if (checkout.status === 'pending') await billing.updateCheckout(checkout.id, { status: 'cancelled' }, tx);
      });
      return `subscription ${preapproval.status}`;
    }
    return 'subscription pending';
  }

  /** A charge of a subscription: applied like any payment, checked against the subscription's current price. */
  async charge(preapprovalId: string, payment: Charge): Promise<string> {
    const checkout = await this.deps.billing.findCheckoutByPreapproval(preapprovalId);
    if (!checkout) return 'not ours (unknown preapproval)';
    return this.deps.ledger.report({
      mpPaymentId: payment.id,
      status: payment.status,
      statusDetail: payment.statusDetail,
      amountCents: payment.amountCents,
      checkout,
      kind: 'subscription',
      preapprovalId,
    });
  }

  /**
   * A plan's price changed: every subscription renewing on it is re-priced at Mercado Pago, so that its next charge
   * (the next period) is the new price; charges already made stay as they were. Returns how many were re-priced.
   */
  async repricePlan(planId: string): Promise<number> {
    const instanceIds = await this.deps.billing.subscribedTo(planId);
    for (const instanceId of instanceIds) await this.retarget(instanceId, planId);
    return instanceIds.length;
  }

  /** Moves an instance's live subscription to another plan's price (upgrade paid, or downgrade scheduled). */
  async retarget(instanceId: string, planId: string): Promise<void> {
    const { billing, plans, mercadopago } = this.deps;
    const current = await billing.find(instanceId);
    const plan = await plans.findById(planId);
    if (!current?.preapprovalId || !plan) return;
    const checkout = await billing.findCheckoutByPreapproval(current.preapprovalId);
    if (!checkout) return;
    if (plan.tier !== 'production') {
      await mercadopago.updatePreapproval(current.preapprovalId, { status: 'cancelled' });
      return;
    }
    await mercadopago.updatePreapproval(current.preapprovalId, { amountCents: plan.priceCents });
    await billing.updateCheckout(checkout.id, { planId: plan.id, amountCents: plan.priceCents });
  }
}
