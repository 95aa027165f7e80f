import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MercadoPagoStandIn, type MpPayment, type MpPreapproval, startMercadoPagoStandIn } from './mercadopago.js';

let mp: MercadoPagoStandIn;

beforeAll(async () => {
  mp = await startMercadoPagoStandIn();
});
afterAll(async () => {
  await mp.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${mp.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${mp.accessToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const pixBody = (amount = 29.9) => ({
  transaction_amount: amount,
  payment_method_id: 'pix',
  description: 'Plano Pro',
  external_reference: 'instance-1',
  notification_url: 'https://example.test/webhooks/mercadopago',
  payer: { email: 'buyer@example.com' },
  metadata: { instance_id: 'instance-1' },
});

describe('Mercado Pago stand-in', () => {
  it('creates one Pix payment per idempotency key and answers replays with it', async () => {
    const key = randomUUID();
    const first = await call('POST', '/v1/payments', pixBody(), { 'x-idempotency-key': key });
    const again = await call('POST', '/v1/payments', pixBody(), { 'x-idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const payment = first.body as unknown as MpPayment;
    expect(String(payment.id)).toMatch(/^\d{11,}$/);
    expect(mp.payments.size).toBe(1);
    expect(payment).toMatchObject({
      status: 'pending',
      status_detail: 'pending_waiting_transfer',
      payment_type_id: 'bank_transfer',
      transaction_amount: 29.9,
      currency_id: 'BRL',
      external_reference: 'instance-1',
      metadata: { instance_id: 'instance-1' },
    });
    expect(Date.parse(payment.date_of_expiration ?? '') - Date.now()).toBeGreaterThan(23 * 3600_000);
    const data = payment.point_of_interaction?.transaction_data;
    expect(data?.qr_code).toMatch(/^000201/);
    expect(data?.qr_code).toContain('540529.90');
    expect(data?.qr_code).toContain(String(payment.id));
    expect(Buffer.from(data?.qr_code_base64 ?? '', 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    const conflict = await call('POST', '/v1/payments', pixBody(10), { 'x-idempotency-key': key });
    expect(conflict.status).toBe(409);
    expect(mp.payments.size).toBe(1);

    // Concurrent first attempts with one key still make a single payment.
    const concurrentKey = randomUUID();
    const both = await Promise.all([1, 2].map(() => call('POST', '/v1/payments', pixBody(5), { 'x-idempotency-key': concurrentKey })));
    expect(both[0]?.body.id).toBe(both[1]?.body.id);
    expect(mp.payments.size).toBe(2);

    const fetched = await call('GET', `/v1/payments/${payment.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.id).toBe(payment.id);
    mp.setPaymentStatus(payment.id, 'approved');
    expect((await call('GET', `/v1/payments/${payment.id}`)).body).toMatchObject({ status: 'approved', status_detail: 'accredited' });
    expect((await call('GET', `/v1/payments/${payment.id}`)).body.date_approved).toEqual(expect.any(String));
    expect(await call('GET', '/v1/payments/42')).toEqual({ status: 404, body: { message: 'Payment not found', error: 'not_found', status: 404, cause: [] } });
  });

  it('refuses requests without the access token and payments without an idempotency key or a valid body', async () => {
    const response = await fetch(`${mp.url}/v1/payments/1`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'invalid access token', error: 'unauthorized', status: 401, cause: [] });
    expect((await call('GET', '/v1/payments/1', undefined, { authorization: 'Bearer APP_USR-wrong' })).status).toBe(401);

    const noKey = await call('POST', '/v1/payments', pixBody());
    expect(noKey.status).toBe(400);
    expect(noKey.body.message).toBe("Header X-Idempotency-Key can't be null");

    const invalid = await call('POST', '/v1/payments', { ...pixBody(), transaction_amount: 0 }, { 'x-idempotency-key': randomUUID() });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'bad_request', status: 400, cause: [{ code: expect.anything(), description: expect.any(String) }] });
    expect((await call('POST', '/v1/payments', { ...pixBody(), payer: {} }, { 'x-idempotency-key': randomUUID() })).status).toBe(400);
    expect((await call('GET', '/nothing/here')).status).toBe(404);
    expect(mp.requests.some((r) => r.path === '/v1/payments' && r.authorization === `Bearer ${mp.accessToken}` && r.idempotencyKey === undefined)).toBe(true);
  });

  it('fails the next matching requests on demand', async () => {
    mp.failNext('GET', '/v1/payments/', 503, 2);
    expect((await call('GET', '/v1/payments/1')).status).toBe(503);
    expect((await call('GET', '/v1/payments/1')).status).toBe(503);
    expect((await call('GET', '/v1/payments/1')).status).toBe(404);
  });

  it('runs a subscription through authorization, charges, cancellation and a refused reactivation', async () => {
    const created = await call(
      'POST',
      '/preapproval',
      {
        reason: 'ZapDeploy Pro',
        external_reference: 'instance-2',
        payer_email: 'buyer@example.com',
        back_url: 'https://example.test/back',
        status: 'pending',
        auto_recurring: { frequency: 1, frequency_type: 'months', transaction_amount: 49.9, currency_id: 'BRL' },
      },
      { 'x-idempotency-key': randomUUID() },
    );
    expect(created.status).toBe(201);
    const preapproval = created.body as unknown as MpPreapproval;
    expect(preapproval.id).toMatch(/^[0-9a-f]{32}$/);
    expect(preapproval).toMatchObject({ status: 'pending', init_point: `${mp.url}/subscriptions/checkout?preapproval_id=${preapproval.id}` });
    expect((await call('POST', '/preapproval', { auto_recurring: { frequency: 1, frequency_type: 'months', transaction_amount: 1 } })).status).toBe(400);
    expect((await call('POST', '/preapproval', { payer_email: 'buyer@example.com' })).status).toBe(400);

    const authorized = mp.authorizePreapproval(preapproval.id);
    expect(authorized.status).toBe('authorized');
    const due = Date.parse(authorized.next_payment_date ?? '');
    expect(due).not.toBeNaN();

    const paid = mp.chargePreapproval(preapproval.id);
    expect(paid.payment).toMatchObject({
      status: 'approved',
      external_reference: 'instance-2',
      transaction_amount: 49.9,
      metadata: { preapproval_id: preapproval.id },
    });
    expect(paid.authorizedPayment).toMatchObject({ status: 'processed', preapproval_id: preapproval.id, payment: { id: paid.payment.id, status: 'approved' } });
    const afterCharge = (await call('GET', `/preapproval/${preapproval.id}`)).body as unknown as MpPreapproval;
    expect(Date.parse(afterCharge.next_payment_date ?? '')).toBeGreaterThan(due + 27 * 86_400_000);
    expect((await call('GET', `/authorized_payments/${paid.authorizedPayment.id}`)).body).toMatchObject({
      status: 'processed',
      payment: { id: paid.payment.id },
    });

    const declined = mp.chargePreapproval(preapproval.id, 'rejected');
    expect(declined.payment.status).toBe('rejected');
    expect(declined.authorizedPayment.status).toBe('recycling');
    expect(mp.preapprovals.get(preapproval.id)?.next_payment_date).toBe(afterCharge.next_payment_date);

    const repriced = await call(
      'PUT',
      `/preapproval/${preapproval.id}`,
      { auto_recurring: { transaction_amount: 99.9, currency_id: 'BRL' } },
      { 'x-idempotency-key': randomUUID() },
    );
    expect(repriced.status).toBe(200);
    expect(repriced.body).toMatchObject({ auto_recurring: { transaction_amount: 99.9 } });

    const cancelled = await call('PUT', `/preapproval/${preapproval.id}`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const reactivate = await call('PUT', `/preapproval/${preapproval.id}`, { status: 'authorized' });
    expect(reactivate.status).toBe(400);
    expect(reactivate.body.message).toBe('Invalid transition from cancelled to authorized');
    expect((await call('GET', `/preapproval/${'0'.repeat(32)}`)).status).toBe(404);
  });

  it('creates a Checkout Pro preference that the buyer pays', async () => {
    const created = await call('POST', '/checkout/preferences', {
      items: [
        { title: 'Plano Pro', quantity: 1, unit_price: 29.9, currency_id: 'BRL' },
        { title: 'Extra', quantity: 2, unit_price: 5.05, currency_id: 'BRL' },
      ],
      external_reference: 'instance-3',
      notification_url: 'https://example.test/webhooks/mercadopago',
      back_urls: { success: 'https://example.test/ok' },
      metadata: { instance_id: 'instance-3' },
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(id).toMatch(/^123456789-[0-9a-f-]{36}$/);
    expect(created.body.init_point).toBe(`${mp.url}/checkout/v1/redirect?pref_id=${id}`);
    expect((await call('POST', '/checkout/preferences', { items: [] })).status).toBe(400);

    const payment = mp.payPreference(id);
    expect(payment).toMatchObject({ status: 'approved', transaction_amount: 40, external_reference: 'instance-3', metadata: { instance_id: 'instance-3' } });
    mp.tamperPayment(payment.id, { transaction_amount: 1 });
    expect((await call('GET', `/v1/payments/${payment.id}`)).body.transaction_amount).toBe(1);
  });

  it('sends webhooks signed over the documented manifest, forged or unsigned ones on demand, and IPN', async () => {
    const received: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
        const url = new URL(request.url ?? '/', 'http://receiver');
        const signature = String(request.headers['x-signature'] ?? '');
        const parts = Object.fromEntries(signature.split(',').map((part) => part.split('=', 2) as [string, string]));
        const manifest = `id:${url.searchParams.get('data.id')};request-id:${request.headers['x-request-id']};ts:${parts.ts};`;
        const expected = createHmac('sha256', mp.webhookSecret).update(manifest).digest();
        const given = Buffer.from(parts.v1 ?? '', 'hex');
        response.writeHead(given.length === expected.length && timingSafeEqual(given, expected) ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/mercadopago?source_news=webhooks`;
    try {
      expect(await mp.notify(target, { topic: 'payment', dataId: '100000000001', requestId: 'req-1', ts: 1704908010 })).toBe(200);
      const first = received[0];
      const url = new URL(first?.url ?? '', 'http://receiver');
      expect(url.searchParams.get('source_news')).toBe('webhooks');
      expect(url.searchParams.get('data.id')).toBe('100000000001');
      expect(url.searchParams.get('type')).toBe('payment');
      expect(first?.headers['x-request-id']).toBe('req-1');
      expect(first?.headers['x-signature']).toMatch(/^ts=1704908010,v1=[0-9a-f]{64}$/);
      expect(JSON.parse(first?.body ?? '')).toMatchObject({
        live_mode: false,
        type: 'payment',
        action: 'payment.updated',
        api_version: 'v1',
        data: { id: '100000000001' },
      });

      expect(await mp.notify(target, { topic: 'subscription_preapproval', dataId: 'a'.repeat(32) })).toBe(200);
      expect(JSON.parse(received[1]?.body ?? '')).toMatchObject({ type: 'subscription_preapproval', action: 'updated' });
      expect(await mp.notify(target, { topic: 'payment', dataId: '100000000001', secret: 'forged' })).toBe(401);
      expect(await mp.notify(target, { topic: 'payment', dataId: '100000000001', omitSignature: true })).toBe(401);
      expect(received[3]?.headers['x-signature']).toBeUndefined();

      expect(await mp.notify(target, { topic: 'payment', dataId: '100000000001', ipn: true })).toBe(401);
      const ipn = received[4];
      expect(new URL(ipn?.url ?? '', 'http://receiver').searchParams.get('topic')).toBe('payment');
      expect(new URL(ipn?.url ?? '', 'http://receiver').searchParams.get('id')).toBe('100000000001');
      expect(ipn?.body).toBe('');
      expect(ipn?.headers['x-signature']).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('refunds an approved payment once per idempotency key, in full or in part, and only approved ones', async () => {
    const created = (await call('POST', '/v1/payments', pixBody(20), { 'x-idempotency-key': randomUUID() })).body as unknown as MpPayment;
    const path = `/v1/payments/${created.id}/refunds`;
    expect((await call('POST', path, {}, { 'x-idempotency-key': randomUUID() })).status).toBe(400); // still pending
    mp.setPaymentStatus(created.id, 'approved');
    expect((await call('POST', path, {})).status).toBe(400); // no idempotency key
    const part = await call('POST', path, { amount: 5 }, { 'x-idempotency-key': randomUUID() });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ payment_id: created.id, amount: 5, status: 'approved', source: { type: 'collector' } });
    expect(mp.payments.get(created.id)).toMatchObject({ status: 'approved', status_detail: 'partially_refunded', transaction_amount_refunded: 5 });
    expect((await call('POST', path, { amount: 16 }, { 'x-idempotency-key': randomUUID() })).status).toBe(400); // more than is left
    const key = randomUUID();
    const rest = await call('POST', path, {}, { 'x-idempotency-key': key });
    const replay = await call('POST', path, {}, { 'x-idempotency-key': key });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ amount: 15 });
    expect(replay.body).toEqual(rest.body);
    const payment = (await call('GET', `/v1/payments/${created.id}`)).body as unknown as MpPayment;
    expect(payment).toMatchObject({ status: 'refunded', status_detail: 'refunded', transaction_amount_refunded: 20 });
    expect(payment.refunds).toHaveLength(2);
    expect((await call('GET', path)).body).toHaveLength(2);
    expect((await call('POST', '/v1/payments/999/refunds', {}, { 'x-idempotency-key': randomUUID() })).status).toBe(404);
  });

  it('keeps Pix codes and Checkout Pro pages payable only until their expiry', async () => {
    let now = Date.parse('2026-12-01T12:00:00Z');
    const timed = await startMercadoPagoStandIn({ clock: () => new Date(now) });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${timed.url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${timed.accessToken}`, 'content-type': 'application/json', 'x-idempotency-key': randomUUID() },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));
      const pix = (await post('/v1/payments', { ...pixBody(), date_of_expiration: new Date(now + 30 * 60_000).toISOString() })).body as unknown as MpPayment;
      const item = { title: 'Upgrade', quantity: 1, unit_price: 3, currency_id: 'BRL' };
      const window = { expires: true, expiration_date_from: new Date(now).toISOString(), expiration_date_to: new Date(now + 30 * 60_000).toISOString() };
      const created = await post('/checkout/preferences', { items: [item], external_reference: 'chk_1', ...window });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject(window);
      expect((await post('/checkout/preferences', { items: [item], expires: 'yes' })).status).toBe(400);
      expect((await post('/checkout/preferences', { items: [item], expiration_date_to: 'tomorrow' })).status).toBe(400);
      const preferenceId = String(created.body.id);
      const inReview = timed.payPreference(preferenceId, 'in_process');
      expect(inReview).toMatchObject({ status: 'in_process', external_reference: 'chk_1', transaction_amount: 3 });

      now += 31 * 60_000;
      expect(() => timed.setPaymentStatus(pix.id, 'approved')).toThrow(/expired/);
      expect(() => timed.payPreference(preferenceId)).toThrow(/expired/);
      // A card payment made in time may still be approved later, when its review ends.
      expect(timed.setPaymentStatus(inReview.id, 'approved').date_approved).toBe(new Date(now).toISOString());
    } finally {
      await timed.close();
    }
  });
});
