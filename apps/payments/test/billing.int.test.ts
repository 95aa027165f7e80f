import { tables } from '@zapdeploy/db';
import { type MercadoPagoStandIn, startMercadoPagoStandIn } from '@zapdeploy/test-support/stand-ins/mercadopago';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient, type TestResponse } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const repoUrl = 'https://github.com/zapdeploy/example-bot';
let mp: MercadoPagoStandIn;
let api: TestApi;
let now = Date.now();
let counter = 0;

beforeAll(async () => {
  // Mercado Pago's clock moves with ours: expiries and approval dates are compared across the two.
  mp = await startMercadoPagoStandIn({ clock: () => new Date(now) });
  api = await startTestApi({
    mode: 'full',
    payments: { clock: () => new Date(now) },
    env: {
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'true',
      MERCADOPAGO_ACCESS_TOKEN: mp.accessToken,
      MERCADOPAGO_WEBHOOK_SECRET: mp.webhookSecret,
      MERCADOPAGO_API_URL: mp.url,
      ZAPDEPLOY_DUNNING_SECONDS: '3600',
      ZAPDEPLOY_SUPERADMINS: 'precos@example.com',
    },
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await mp?.close();
});

async function user(): Promise<TestClient> {
  const browser = new TestClient(api.url);
  counter += 1;
  expect(
    (await browser.post('/api/auth/sign-up/email', { email: `payer${counter}@example.com`, password: 'cavalo-bateria-grampo', name: `Payer ${counter}` }))
      .status,
  ).toBe(200);
  return browser;
}

const hook = () => `${api.url}/api/webhooks/mercadopago`;

async function instance(client: TestClient, name: string, planId: string) {
  const created = await client.post('/api/v1/instances', { name, repoUrl, planId });
  expect(created.status).toBe(201);
  return created.body as unknown as { id: string; planId: string; desiredState: string; statusReason: string | null };
}

type Billing = Awaited<ReturnType<typeof billing>>;

async function billing(client: TestClient, id: string) {
  return (await client.get(`/api/v1/instances/${id}/payments`)).body as unknown as {
    billing: { state: string; planId: string; paidUntil: string | null; subscribed: boolean; scheduledPlanId: string | null } | null;
    pendingCheckout: { checkoutId: string } | null;
    items: {
      status: string;
      amountCents: number;
      approvedAt: string | null;
      mercadoPagoId: string;
      kind: string;
      refund: { status: string; reason: string } | null;
    }[];
  };
}

/** Lets the payments service process what was notified and the API apply the events. */
async function settle(): Promise<void> {
  await api.payments?.processor?.drain();
  await api.payments?.drainOutbox();
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await settle();
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The Mercado Pago payment behind a checkout (its external_reference is the checkout id). */
function paymentOf(checkout: TestResponse): number {
  return [...mp.payments.values()].find((p) => p.external_reference === checkout.body.checkoutId)?.id ?? 0;
}

/** Buys a plan for an instance by Pix, and has Mercado Pago approve it and notify us. */
async function payByPix(client: TestClient, instanceId: string, planId: string): Promise<number> {
  const checkout = await client.post(`/api/v1/instances/${instanceId}/checkout`, { planId, method: 'pix' });
  expect(checkout.status).toBe(201);
  const paymentId = paymentOf(checkout);
  mp.setPaymentStatus(paymentId, 'approved');
  expect(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) })).toBe(200);
  return paymentId;
}

async function approvedEvents(instanceId: string): Promise<number> {
  const rows = await api.platform.database.db.select().from(tables.outbox).where(eq(tables.outbox.name, 'payment.approved'));
  return rows.filter((row) => (row.payload as { instanceId: string }).instanceId === instanceId).length;
}

describe('Pix', () => {
  it('asks guests to sign up, then a user pays a new instance by Pix and it starts within seconds of the notification', async () => {
    const visitor = new TestClient(api.url);
    await visitor.post('/api/v1/guest');
    const guestInstance = await instance(visitor, 'guest-bot', 'plan_dev');
    const refused = await visitor.post(`/api/v1/instances/${guestInstance.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('guest_must_sign_up');

    const client = await user();
    const bot = await instance(client, 'loja', 'plan_bot');
    expect(bot).toMatchObject({ desiredState: 'paused', statusReason: 'awaiting_payment' });
    const checkout = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ method: 'pix', status: 'pending', kind: 'period', amountCents: 500 });
    const pix = checkout.body.pix as { qrCode: string; qrCodeBase64: string };
    expect(pix.qrCode).toMatch(/^000201/);
    expect(Buffer.from(pix.qrCodeBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    // A double click gets the same checkout: one Pix charge, never two.
    const again = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    expect(again.body.checkoutId).toBe(checkout.body.checkoutId);
    expect(mp.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payments')).toHaveLength(1);
    const request = mp.requests.find((r) => r.path === '/v1/payments');
    expect(request?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect((await billing(client, bot.id)).pendingCheckout?.checkoutId).toBe(checkout.body.checkoutId);

    const paymentId = paymentOf(checkout);
    mp.setPaymentStatus(paymentId, 'approved');
    expect(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId), action: 'payment.updated' })).toBe(200);
    const paid = await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.desiredState === 'running',
      'the instance to run',
    );
    expect(paid.body.statusReason).toBeNull();
    const after = await billing(client, bot.id);
    expect(after.billing).toMatchObject({ state: 'active', planId: 'plan_bot', subscribed: false });
    expect(new Date(after.billing?.paidUntil ?? 0).getTime() - now).toBeGreaterThan(29 * DAY);
    expect(after.items).toEqual([expect.objectContaining({ status: 'approved', amountCents: 500, mercadoPagoId: String(paymentId) })]);

    // Duplicates, an IPN of the same payment, a late "created" one: nothing changes twice.
    const paidUntil = after.billing?.paidUntil;
    expect(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) })).toBe(200);
    expect(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId), action: 'payment.created' })).toBe(200);
    expect(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId), ipn: true })).toBe(200);
    await settle();
    await settle();
    expect((await billing(client, bot.id)).billing?.paidUntil).toBe(paidUntil);
    expect(await approvedEvents(bot.id)).toBe(1);
  });

  it('leaves an expired or rejected Pix unpaid, and says so', async () => {
    const client = await user();
    const bot = await instance(client, 'expira', 'plan_bot');
    for (const [status, expected] of [
      ['cancelled', 'expired'],
      ['rejected', 'rejected'],
    ] as const) {
      const checkout = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
      const paymentId = paymentOf(checkout);
      mp.setPaymentStatus(paymentId, status);
      await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) });
      await eventually(
        () => billing(client, bot.id),
        (b: Billing) => b.items.some((i) => i.mercadoPagoId === String(paymentId) && i.status === status),
        `the ${status} payment`,
      );
      const row = await api.platform.database.db
        .select()
        .from(tables.checkouts)
        .where(eq(tables.checkouts.id, String(checkout.body.checkoutId)));
      expect(row[0]?.status).toBe(expected);
    }
    const state = await billing(client, bot.id);
    expect(state.billing).toBeNull();
    expect((await client.get(`/api/v1/instances/${bot.id}`)).body).toMatchObject({ desiredState: 'paused', statusReason: 'awaiting_payment' });
  });
});

describe('notifications we refuse or do not trust', () => {
  it('refuses forged, stale and unsigned webhooks with 401 and stores nothing', async () => {
    const before = await api.platform.database.db.select().from(tables.paymentNotifications);
    expect(await mp.notify(hook(), { topic: 'payment', dataId: '123', secret: 'not-the-secret' })).toBe(401);
    expect(await mp.notify(hook(), { topic: 'payment', dataId: '123', ts: Math.floor(Date.now() / 1000) - 3600 })).toBe(401);
    expect(await mp.notify(hook(), { topic: 'payment', dataId: '123', omitSignature: true })).toBe(401);
    const forged = await fetch(`${hook()}?data.id=1&type=payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': 'ts=1,v1=zz', 'accept-language': 'en' },
      body: '{}',
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.platform.database.db.select().from(tables.paymentNotifications)).length).toBe(before.length);
  });

  it('fetches a payment once for an unsigned IPN repeated 50 times, and rate limits the flood', async () => {
    const client = await user();
    const bot = await instance(client, 'ipn', 'plan_bot');
    const checkout = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    const paymentId = paymentOf(checkout);
    mp.setPaymentStatus(paymentId, 'approved');
    const fetches = () => mp.requests.filter((r) => r.method === 'GET' && r.path === `/v1/payments/${paymentId}`).length;
    const answers: number[] = [];
    for (let i = 0; i < 50; i++) answers.push(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId), ipn: true }));
    expect(answers.filter((status) => status === 200).length).toBeLessThanOrEqual(30);
    expect(answers.filter((status) => status === 429).length).toBeGreaterThanOrEqual(20);
    await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.state === 'active',
      'activation by IPN',
    );
    await settle();
    expect(fetches()).toBe(1);
    expect(await approvedEvents(bot.id)).toBe(1);
  });

  it('records but never applies a payment whose amount or reference does not match', async () => {
    const client = await user();
    const bot = await instance(client, 'fraude', 'plan_bot');
    const checkout = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    const paymentId = paymentOf(checkout);
    mp.tamperPayment(paymentId, { transaction_amount: 0.5 });
    mp.setPaymentStatus(paymentId, 'approved');
    await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) });
    const recorded = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.items.some((i) => i.status === 'mismatch'),
      'the mismatch',
    );
    expect(recorded.billing).toBeNull();
    // A payment pointing at someone else's checkout id that does not exist: not ours, nothing happens.
    mp.tamperPayment(paymentId, { transaction_amount: 5, external_reference: 'chk_doesnotexist' });
    await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) });
    await settle();
    expect((await billing(client, bot.id)).billing).toBeNull();
    expect((await client.get(`/api/v1/instances/${bot.id}`)).body.desiredState).toBe('paused');
  });
});

describe('card subscription', () => {
  it('subscribes, activates on the first charge, renews, survives a failed charge, and cancels', async () => {
    const client = await user();
    const bot = await instance(client, 'cartao', 'plan_pro');
    const checkout = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_pro', method: 'card' });
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ method: 'card', kind: 'subscription', amountCents: 5000 });
    expect(checkout.body.redirectUrl).toContain('/subscriptions/checkout?preapproval_id=');
    const preapprovalId = new URL(String(checkout.body.redirectUrl)).searchParams.get('preapproval_id') ?? '';
    expect(mp.preapprovals.get(preapprovalId)).toMatchObject({ external_reference: bot.id, payer_email: expect.stringContaining('@example.com') });

    mp.authorizePreapproval(preapprovalId);
    await mp.notify(hook(), { topic: 'subscription_preapproval', dataId: preapprovalId });
    await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.subscribed === true,
      'the subscription',
    );
    const first = mp.chargePreapproval(preapprovalId, 'approved');
    await mp.notify(hook(), { topic: 'subscription_authorized_payment', dataId: String(first.authorizedPayment.id) });
    await mp.notify(hook(), { topic: 'payment', dataId: String(first.payment.id) });
    await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.desiredState === 'running',
      'activation',
    );
    const active = await billing(client, bot.id);
    expect(active.billing).toMatchObject({ state: 'active', planId: 'plan_pro', subscribed: true });
    expect(await approvedEvents(bot.id)).toBe(1);

    const failed = mp.chargePreapproval(preapprovalId, 'rejected');
    await mp.notify(hook(), { topic: 'subscription_authorized_payment', dataId: String(failed.authorizedPayment.id) });
    await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.items.some((i) => i.status === 'rejected'),
      'the failed charge',
    );
    expect((await billing(client, bot.id)).billing?.paidUntil).toBe(active.billing?.paidUntil);

    const renewal = mp.chargePreapproval(preapprovalId, 'approved');
    await mp.notify(hook(), { topic: 'subscription_authorized_payment', dataId: String(renewal.authorizedPayment.id) });
    const renewed = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.paidUntil !== active.billing?.paidUntil,
      'the renewal',
    );
    expect(new Date(renewed.billing?.paidUntil ?? 0).getTime() - new Date(active.billing?.paidUntil ?? 0).getTime()).toBe(30 * DAY);

    mp.setPreapprovalStatus(preapprovalId, 'cancelled');
    await mp.notify(hook(), { topic: 'subscription_preapproval', dataId: preapprovalId });
    const cancelled = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.subscribed === false,
      'the cancellation',
    );
    expect(cancelled.billing?.state).toBe('active');
    expect(cancelled.billing?.paidUntil).toBe(renewed.billing?.paidUntil);
  });
});

describe('a plan’s new price', () => {
  it('reaches card subscriptions from their next charge; what was already charged stays', async () => {
    const admin = new TestClient(api.url);
    expect((await admin.post('/api/auth/sign-up/email', { email: 'precos@example.com', password: 'cavalo-bateria-grampo', name: 'Preços' })).status).toBe(200);
    const plan = { slug: 'cartao-mais', name: 'Cartão Mais', tier: 'production', priceCents: 3000, cpuMillis: 250, memoryMb: 256, diskMb: 1024 };
    expect((await admin.post('/api/v1/admin/plans', plan)).status).toBe(201);
    const client = await user();
    const bot = await instance(client, 'preco-novo', 'plan_cartao_mais');
    const checkout = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_cartao_mais', method: 'card' });
    expect(checkout.body).toMatchObject({ kind: 'subscription', amountCents: 3000 });
    const preapprovalId = new URL(String(checkout.body.redirectUrl)).searchParams.get('preapproval_id') ?? '';
    mp.authorizePreapproval(preapprovalId);
    await mp.notify(hook(), { topic: 'subscription_preapproval', dataId: preapprovalId });
    await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.subscribed === true,
      'the subscription',
    );
    const first = mp.chargePreapproval(preapprovalId, 'approved');
    await mp.notify(hook(), { topic: 'subscription_authorized_payment', dataId: String(first.authorizedPayment.id) });
    const active = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.state === 'active',
      'activation',
    );

    const changed = await admin.patch('/api/v1/admin/plans/plan_cartao_mais', { priceCents: 4500 });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ priceCents: 4500, appliesFrom: { price: 'next_period' } });
    expect(mp.preapprovals.get(preapprovalId)?.auto_recurring.transaction_amount).toBe(45);

    const renewal = mp.chargePreapproval(preapprovalId, 'approved');
    await mp.notify(hook(), { topic: 'subscription_authorized_payment', dataId: String(renewal.authorizedPayment.id) });
    const renewed = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.paidUntil !== active.billing?.paidUntil,
      'the renewal at the new price',
    );
    expect(new Date(renewed.billing?.paidUntil ?? 0).getTime() - new Date(active.billing?.paidUntil ?? 0).getTime()).toBe(30 * DAY);
    const charged = await api.platform.database.db.select().from(tables.payments).where(eq(tables.payments.instanceId, bot.id));
    expect(
      charged
        .filter((p) => p.approvedAt !== null)
        .map((p) => p.amountCents)
        .sort(),
    ).toEqual([3000, 4500]);
  });
});

describe('plans per instance', () => {
  it('upgrades one instance for the difference, independently of another, and schedules a downgrade for the period end', async () => {
    const client = await user();
    const small = await instance(client, 'pequena', 'plan_bot');
    const big = await instance(client, 'grande', 'plan_pro');
    for (const [id, planId] of [
      [small.id, 'plan_bot'],
      [big.id, 'plan_pro'],
    ] as const) {
      await payByPix(client, id, planId);
    }
    await eventually(
      () => billing(client, small.id),
      (b: Billing) => b.billing?.state === 'active',
      'small active',
    );
    await eventually(
      () => billing(client, big.id),
      (b: Billing) => b.billing?.state === 'active',
      'big active',
    );

    // Half-way through the period, the small one goes to bot-plus (R$ 15): half the R$ 10 difference.
    now += 15 * DAY;
    const upgrade = await client.post(`/api/v1/instances/${small.id}/checkout`, { planId: 'plan_bot_plus', method: 'pix' });
    expect(upgrade.status).toBe(201);
    expect(upgrade.body).toMatchObject({ kind: 'upgrade', amountCents: 500 });
    expect((await client.get(`/api/v1/instances/${small.id}`)).body.planId).toBe('plan_bot');
    const paymentId = paymentOf(upgrade);
    mp.setPaymentStatus(paymentId, 'approved');
    await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) });
    await eventually(
      () => client.get(`/api/v1/instances/${small.id}`),
      (r: TestResponse) => r.body.planId === 'plan_bot_plus',
      'the upgrade',
    );
    const smallBilling = (await billing(client, small.id)).billing;
    const bigBilling = (await billing(client, big.id)).billing;
    expect(smallBilling?.planId).toBe('plan_bot_plus');
    expect(bigBilling?.planId).toBe('plan_pro');

    // A cheaper plan waits for the end of the paid period.
    const downgrade = await client.patch(`/api/v1/instances/${big.id}`, { planId: 'plan_bot' });
    expect(downgrade.status).toBe(200);
    expect(downgrade.body.planId).toBe('plan_pro');
    expect((await billing(client, big.id)).billing?.scheduledPlanId).toBe('plan_bot');
    const viaCheckout = await client.post(`/api/v1/instances/${big.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    expect(viaCheckout.status).toBe(409);
    expect(viaCheckout.body.code).toBe('downgrade_at_period_end');
    now += 16 * DAY;
    await api.payments?.dunning.run();
    await eventually(
      () => client.get(`/api/v1/instances/${big.id}`),
      (r: TestResponse) => r.body.planId === 'plan_bot',
      'the scheduled downgrade',
    );
  });
});

describe('quotes paid late or on a billing that moved', () => {
  /** Has Mercado Pago approve a checkout's Pix and notify us. */
  async function approvePix(checkout: TestResponse): Promise<number> {
    const paymentId = paymentOf(checkout);
    mp.setPaymentStatus(paymentId, 'approved');
    expect(await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) })).toBe(200);
    return paymentId;
  }

  async function refundedAtMercadoPago(paymentId: number) {
    return eventually(
      async () => mp.payments.get(paymentId)?.status,
      (status) => status === 'refunded',
      `the refund of ${paymentId} at Mercado Pago`,
    );
  }

  it('does not apply an upgrade paid after its period ended: the instance keeps its plan and the payment is refunded', async () => {
    const client = await user();
    const bot = await instance(client, 'atrasada', 'plan_bot');
    await payByPix(client, bot.id, 'plan_bot');
    const active = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.state === 'active',
      'activation',
    );
    const paidUntil = active.billing?.paidUntil ?? '';

    // Ten minutes before the period ends, an upgrade to Pro costs cents, by card (Checkout Pro).
    now = Date.parse(paidUntil) - 10 * 60_000;
    const upgrade = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_pro', method: 'card' });
    expect(upgrade.status).toBe(201);
    expect(upgrade.body).toMatchObject({ kind: 'upgrade', amountCents: 2 });
    const preferenceId = new URL(String(upgrade.body.redirectUrl)).searchParams.get('pref_id') ?? '';
    // The page can be paid only until the period it was priced on ends.
    expect(mp.preferences.get(preferenceId)).toMatchObject({ expires: true, expiration_date_from: new Date(now).toISOString(), expiration_date_to: paidUntil });

    // Paid in time but held for review, and approved a day later: the period it was priced on is over.
    const payment = mp.payPreference(preferenceId, 'in_process');
    now += DAY;
    mp.setPaymentStatus(payment.id, 'approved');
    await mp.notify(hook(), { topic: 'payment', dataId: String(payment.id) });
    const refused = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.items.some((i) => i.mercadoPagoId === String(payment.id) && i.refund !== null),
      'the refusal',
    );
    expect(refused.items.find((i) => i.mercadoPagoId === String(payment.id))).toMatchObject({
      status: 'approved',
      approvedAt: null,
      refund: { reason: 'period_ended' },
    });
    expect(refused.billing).toMatchObject({ planId: 'plan_bot', paidUntil });
    expect((await client.get(`/api/v1/instances/${bot.id}`)).body.planId).toBe('plan_bot');
    expect(await approvedEvents(bot.id)).toBe(1);

    // The money goes back through Mercado Pago's refund API, asked once, with one key for every attempt.
    await refundedAtMercadoPago(payment.id);
    const asks = mp.requests.filter((r) => r.method === 'POST' && r.path === `/v1/payments/${payment.id}/refunds`);
    expect(asks).toHaveLength(1);
    expect(asks[0]?.idempotencyKey).toBe(`zapdeploy-refund-${payment.id}`);
    await mp.notify(hook(), { topic: 'payment', dataId: String(payment.id) });
    await mp.notify(hook(), { topic: 'payment', dataId: String(payment.id) });
    const history = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.items.some((i) => i.mercadoPagoId === String(payment.id) && i.status === 'refunded'),
      'the refund in the history',
    );
    expect(history.items.find((i) => i.mercadoPagoId === String(payment.id))?.refund).toEqual({ status: 'requested', reason: 'period_ended' });
    expect(history.billing).toMatchObject({ planId: 'plan_bot', paidUntil });
    expect(mp.requests.filter((r) => r.method === 'POST' && r.path === `/v1/payments/${payment.id}/refunds`)).toHaveLength(1);
  });

  it('does not apply a quote after the billing it was priced on changed (a renewal, another upgrade), and Pix codes carry their expiry', async () => {
    const client = await user();
    const bot = await instance(client, 'mudou', 'plan_bot');
    await payByPix(client, bot.id, 'plan_bot');
    const first = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.state === 'active',
      'activation',
    );
    now += 15 * DAY;

    // An upgrade quoted on this period, then the period is renewed before the upgrade is paid.
    const upgrade = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot_plus', method: 'pix' });
    expect(upgrade.body).toMatchObject({ kind: 'upgrade', amountCents: 500 });
    const pix = upgrade.body.pix as { expiresAt: string };
    expect(pix.expiresAt).toBe(new Date(now + 30 * 60_000).toISOString());
    expect(mp.payments.get(paymentOf(upgrade))?.date_of_expiration).toBe(pix.expiresAt);
    const renewal = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    expect(renewal.body).toMatchObject({ kind: 'period', amountCents: 500 });
    await approvePix(renewal);
    const renewed = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.paidUntil !== first.billing?.paidUntil,
      'the renewal',
    );
    const late = await approvePix(upgrade);
    const afterRenewal = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.items.some((i) => i.mercadoPagoId === String(late) && i.refund !== null),
      'the refusal after a renewal',
    );
    expect(afterRenewal.items.find((i) => i.mercadoPagoId === String(late))?.refund?.reason).toBe('billing_changed');
    expect(afterRenewal.billing).toMatchObject({ planId: 'plan_bot', paidUntil: renewed.billing?.paidUntil });
    await refundedAtMercadoPago(late);

    // Two upgrades quoted on the same period: once one is paid, the other no longer holds.
    const toPlus = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_bot_plus', method: 'pix' });
    const toPro = await client.post(`/api/v1/instances/${bot.id}/checkout`, { planId: 'plan_pro', method: 'pix' });
    expect(toPlus.body.kind).toBe('upgrade');
    expect(toPro.body.kind).toBe('upgrade');
    await approvePix(toPro);
    await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.planId === 'plan_pro',
      'the upgrade to Pro',
    );
    const stale = await approvePix(toPlus);
    const afterUpgrade = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.items.some((i) => i.mercadoPagoId === String(stale) && i.refund !== null),
      'the refusal after another upgrade',
    );
    expect(afterUpgrade.billing?.planId).toBe('plan_pro');
    expect((await client.get(`/api/v1/instances/${bot.id}`)).body.planId).toBe('plan_pro');
    await refundedAtMercadoPago(stale);
  });
});

describe('renewal and dunning', () => {
  it('reminds, gives grace, pauses an unpaid instance ("pagamento pendente"), resumes it when paid, and deletes after retention', async () => {
    const client = await user();
    const bot = await instance(client, 'devedora', 'plan_bot_plus');
    const pay = () => payByPix(client, bot.id, 'plan_bot_plus');
    await pay();
    await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.desiredState === 'running',
      'activation',
    );
    const mailsBefore = api.mails.length;
    // Other tests' instances share the clock and the database: look at this one's steps.
    const dunning = async () => ((await api.payments?.dunning.run()) ?? []).filter((step) => step.startsWith(bot.id));
    now += 28 * DAY;
    expect(await dunning()).toEqual([`${bot.id}:remind`]);
    expect(await dunning()).toEqual([]);
    await eventually(
      async () => api.mails.slice(mailsBefore).map((m) => m.subject),
      (subjects: string[]) => subjects.includes('Zapdeploy — Seu plano vence em breve'),
      'the reminder mail',
    );

    now += 3 * DAY;
    expect(await dunning()).toEqual([`${bot.id}:grace`]);
    await settle();
    expect((await client.get(`/api/v1/instances/${bot.id}`)).body.desiredState).toBe('running');

    // Moving to a cheaper paid plan during grace changes what the next payment buys, not the grace.
    const cheaper = await client.patch(`/api/v1/instances/${bot.id}`, { planId: 'plan_bot' });
    expect(cheaper.status).toBe(200);
    expect((await billing(client, bot.id)).billing?.state).toBe('grace');
    now += 4 * DAY;
    expect(await dunning()).toEqual([`${bot.id}:suspend`]);
    const paused = await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.desiredState === 'paused',
      'the pause',
    );
    expect(paused.body.statusReason).toBe('payment_overdue');
    expect(paused.body.statusDetail).toContain('pagamento pendente');
    expect((await client.post(`/api/v1/instances/${bot.id}/resume`)).status).toBe(402);

    await pay();
    await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.desiredState === 'running' && r.body.statusReason === null,
      'resumption on payment',
    );

    // Unpaid again, past grace and retention: deleted.
    now += 31 * DAY;
    await api.payments?.dunning.run();
    now += 4 * DAY;
    await api.payments?.dunning.run();
    now += 31 * DAY;
    expect(await dunning()).toEqual([`${bot.id}:purge`]);
    await eventually(
      () => client.get(`/api/v1/instances/${bot.id}`),
      (r: TestResponse) => r.body.desiredState === 'deleted' || r.status === 404,
      'deletion after retention',
    );
  });
});

describe('refunds and chargebacks', () => {
  it('end the paid period they paid for, once', async () => {
    const client = await user();
    const bot = await instance(client, 'estorno', 'plan_bot');
    const paymentId = await payByPix(client, bot.id, 'plan_bot');
    await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.state === 'active',
      'activation',
    );
    mp.setPaymentStatus(paymentId, 'refunded');
    await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) });
    await mp.notify(hook(), { topic: 'payment', dataId: String(paymentId) });
    const refunded = await eventually(
      () => billing(client, bot.id),
      (b: Billing) => b.billing?.state === 'grace',
      'the refund',
    );
    expect(new Date(refunded.billing?.paidUntil ?? 0).getTime()).toBeLessThanOrEqual(now);
    expect(refunded.items[0]?.status).toBe('refunded');
    const reversed = await api.platform.database.db.select().from(tables.outbox).where(eq(tables.outbox.name, 'payment.reversed'));
    expect(reversed.filter((row) => (row.payload as { instanceId: string }).instanceId === bot.id)).toHaveLength(1);
    const logs = (await client.get(`/api/v1/instances/${bot.id}/logs`)).body.items as { line: string }[];
    expect(logs.some((l) => l.line.includes('foi estornado'))).toBe(true);
  });
});

describe('an install without Mercado Pago', () => {
  it('shows paid plans, and checkout says payments are not configured without charging anything', async () => {
    const local = await startTestApi({ mode: 'embedded', payments: true });
    try {
      const client = new TestClient(local.url, { acceptLanguage: 'pt-BR' });
      await client.post('/api/auth/sign-up/email', { email: 'dono@example.com', password: 'cavalo-bateria-grampo', name: 'Dono' });
      const plans = (await client.get('/api/v1/plans')).body as unknown as { id: string; priceCents: number }[];
      expect(plans.filter((p) => p.priceCents > 0).length).toBe(3);
      const created = await client.post('/api/v1/instances', { name: 'local', repoUrl, planId: 'plan_dev' });
      const checkout = await client.post(`/api/v1/instances/${created.body.id}/checkout`, { planId: 'plan_bot', method: 'pix' });
      expect(checkout.status).toBe(503);
      expect(checkout.headers.get('content-type')).toContain('application/problem+json');
      expect(checkout.body.code).toBe('payments_not_configured');
      expect(checkout.body.detail).toContain('Nenhuma cobrança foi feita');
      expect(await local.platform.database.db.select().from(tables.checkouts)).toHaveLength(0);
    } finally {
      await local.close();
    }
  });
});
