import { type CheckoutDto, type CheckoutRequest, toCheckoutDto } from '@zapdeploy/contracts';
import type { BillingRepository, PlanRepository } from '@zapdeploy/db';
import { type BillingRules, checkoutExpiry, DomainError, inPaidPeriod, notFound, quoteBasis, quoteCheckout } from '@zapdeploy/domain';
import { MercadoPagoError, type MercadoPagoPort } from './mercadopago/port.js';
import type { Subscriptions } from './subscriptions.js';

export type CheckoutInput = CheckoutRequest & {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly ownerId: string;
  readonly payerEmail: string;
};

/**
 * Starts payments for one instance: a Pix charge for a period or an upgrade, a card subscription, or a card
 * payment for an upgrade (Checkout Pro). The checkout row exists before Mercado Pago is called, and its id is
 * the external reference, so a payment made after a crash here still finds its checkout.
 */
export class CheckoutService {
  constructor(
    private readonly deps: {
      readonly billing: BillingRepository;
      readonly plans: PlanRepository;
      /** Absent when Mercado Pago is not configured. */
      readonly mercadopago: MercadoPagoPort | undefined;
      /** Absent when Mercado Pago is not configured. */
      readonly subscriptions: Subscriptions | undefined;
      readonly rules: BillingRules;
      readonly publicUrl: string;
      /** How long a Pix code or a card checkout page can be paid. */
      readonly checkoutExpiryMinutes: number;
      readonly clock: () => Date;
    },
  ) {}

  async create(input: CheckoutInput): Promise<CheckoutDto> {
    const { billing, plans, rules } = this.deps;
    const mercadopago = this.deps.mercadopago;
    if (!mercadopago) throw new DomainError('unavailable', 'payments_not_configured');
    const now = this.deps.clock();
    const target = await plans.findById(input.planId);
    if (!target) throw notFound('plan');
    const current = await billing.find(input.instanceId);
    const paidPlan = current ? ((await plans.findById(current.planId)) ?? null) : null;
    const quote = quoteCheckout({ billing: current, paidPlan, target, method: input.method, now, rules });
    const basis = quoteBasis(current, now);

    // A second click, or a retry, gets the same open checkout: one charge, never two (if it still quotes the same).
    const open = await billing.pendingCheckout(input.instanceId, now);
    if (
      open &&
      open.planId === target.id &&
      open.method === input.method &&
      open.kind === quote.kind &&
      open.amountCents === quote.amountCents &&
      open.basisPlanId === basis.planId &&
      open.basisPaidUntil?.getTime() === basis.paidUntil?.getTime()
    ) {
      return toCheckoutDto(open);
    }

    // A subscription has no expiry (its charges are checked against its price); one-off checkouts do.
    const expiry = quote.kind === 'subscription' ? null : checkoutExpiry(quote.kind, current, now, this.deps.checkoutExpiryMinutes);
    const checkout = await billing.createCheckout({
      instanceId: input.instanceId,
      ownerId: input.ownerId,
      planId: target.id,
      method: input.method,
      kind: quote.kind,
      amountCents: quote.amountCents,
      basisPlanId: basis.planId,
      basisPaidUntil: basis.paidUntil,
      expiresAt: expiry?.expiresAt ?? null,
    });
    const title =
      quote.kind === 'upgrade' ? `Zapdeploy — upgrade para ${target.name} (${input.instanceName})` : `Zapdeploy — plano ${target.name} (${input.instanceName})`;
    const notificationUrl = `${this.deps.publicUrl}/api/webhooks/mercadopago?source_news=webhooks`;
    const backUrl = `${this.deps.publicUrl}/instances/${input.instanceId}?checkout=${checkout.id}`;
    try {
      if (input.method === 'pix' && expiry) {
        const payment = await mercadopago.createPixPayment({
          amountCents: quote.amountCents,
          description: title,
          externalReference: checkout.id,
          payerEmail: input.payerEmail,
          notificationUrl,
          expiresAt: expiry.providerExpiresAt,
          metadata: { instance_id: input.instanceId, checkout_id: checkout.id },
        });
        if (!payment.pix) throw new MercadoPagoError(502, 'Mercado Pago returned a Pix payment without a QR code');
        // The earlier of ours and Mercado Pago's: a payment approved after it is refunded, never applied.
        const mpExpiry = payment.expiresAt ? new Date(payment.expiresAt) : null;
        await billing.updateCheckout(checkout.id, {
          mpPaymentId: payment.id,
          pixQrCode: payment.pix.qrCode,
          pixQrBase64: payment.pix.qrCodeBase64,
          expiresAt: mpExpiry && mpExpiry < expiry.expiresAt ? mpExpiry : expiry.expiresAt,
        });
        await billing.recordPayment({
          instanceId: input.instanceId,
          checkoutId: checkout.id,
          mpPaymentId: payment.id,
          planId: target.id,
          method: 'pix',
          kind: quote.kind,
          amountCents: quote.amountCents,
          status: payment.status,
          statusDetail: payment.statusDetail,
        });
      } else if (quote.kind === 'subscription') {
        const preapproval = await mercadopago.createPreapproval({
          reason: title,
          externalReference: input.instanceId,
          payerEmail: input.payerEmail,
          backUrl,
          amountCents: quote.amountCents,
          period: rules.periodDays === 30 ? { every: 1, unit: 'months' } : { every: rules.periodDays, unit: 'days' },
        });
        if (!preapproval.initPoint) throw new MercadoPagoError(502, 'Mercado Pago returned a subscription without a checkout page');
        await billing.updateCheckout(checkout.id, { mpPreapprovalId: preapproval.id, redirectUrl: preapproval.initPoint });
      } else if (expiry) {
        const preference = await mercadopago.createPreference({
          title,
          amountCents: quote.amountCents,
          externalReference: checkout.id,
          notificationUrl,
          backUrl,
          metadata: { instance_id: input.instanceId, checkout_id: checkout.id },
          expiresAt: expiry.expiresAt,
          now,
        });
        await billing.updateCheckout(checkout.id, { mpPreferenceId: preference.id, redirectUrl: preference.initPoint });
      }
    } catch (error) {
      await billing.updateCheckout(checkout.id, { status: 'cancelled' });
      if (error instanceof MercadoPagoError) throw new DomainError('unavailable', 'payment_provider_error', { status: error.status });
      throw error;
    }
    const saved = await billing.findCheckout(checkout.id);
    if (!saved) throw new Error('checkout vanished');
    return toCheckoutDto(saved);
  }

  /**
   * A plan change asked for by the owner. Inside a paid period a cheaper plan waits for the period's end
   * (and a card subscription is re-priced, or cancelled for the free plan); outside one it applies now.
   */
  async changePlan(instanceId: string, planId: string): Promise<{ effective: 'now' | 'period_end'; at: string | null }> {
    const { billing, plans } = this.deps;
    const now = this.deps.clock();
    const current = await billing.find(instanceId);
    const target = await plans.findById(planId);
    if (!target) throw notFound('plan');
    if (!current || !inPaidPeriod(current, now)) {
      // Nothing paid to wait for: the free plan ends billing; another paid plan is what the next payment buys
      // (grace and suspension go on — a cheaper plan is no way out of paying).
      if (current && current.state !== 'ended') {
        const free = target.tier !== 'production';
        await billing.save(
          instanceId,
          current.ownerId,
          free ? { ...current, state: 'ended', scheduledPlanId: null } : { ...current, planId: target.id, scheduledPlanId: null },
        );
      }
      if (current?.preapprovalId) await this.deps.subscriptions?.retarget(instanceId, target.id);
      return { effective: 'now', at: null };
    }
    const paidPlan = await plans.findById(current.planId);
    if (paidPlan && target.priceCents > paidPlan.priceCents) throw new DomainError('payment_required', 'plan_requires_payment', { plan: target.slug });
    await billing.save(instanceId, current.ownerId, { ...current, scheduledPlanId: target.id === current.planId ? null : target.id });
    if (current.preapprovalId) await this.deps.subscriptions?.retarget(instanceId, target.id);
    return { effective: 'period_end', at: current.paidUntil.toISOString() };
  }
}
