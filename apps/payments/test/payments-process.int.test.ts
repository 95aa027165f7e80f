import { tables } from '@zapdeploy/db';
import { type MercadoPagoStandIn, startMercadoPagoStandIn } from '@zapdeploy/test-support/stand-ins/mercadopago';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { freePort } from '@zapdeploy/test-support/support/free-port';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { type Proc, startProcess, waitUntil } from '@zapdeploy/test-support/support/processes';
import { createTestDatabase, services, uniqueName } from '@zapdeploy/test-support/support/services';
import { eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The payments service as its own process (apps/payments/src/main.ts), in full mode beside an API.
let mp: MercadoPagoStandIn;
let api: TestApi;
let database: { url: string; drop: () => Promise<void> };
let paymentsEnv: Record<string, string>;
const running: Proc[] = [];

beforeAll(async () => {
  mp = await startMercadoPagoStandIn();
  database = await createTestDatabase();
  const port = await freePort();
  const shared = {
    DATABASE_URL: database.url,
    AMQP_URL: services.amqpUrl,
    REDIS_URL: services.redisUrl,
    ZAPDEPLOY_SECRET: 'test-secret-that-is-long-enough-0123456789',
    ZAPDEPLOY_AMQP_PREFIX: uniqueName('zdt'),
    ZAPDEPLOY_REDIS_PREFIX: uniqueName('zdt'),
    ZAPDEPLOY_PUBLIC_SIGNUPS: 'true',
  };
  api = await startTestApi({ mode: 'full', databaseUrl: database.url, env: { ...shared, ZAPDEPLOY_PAYMENTS_URL: `http://127.0.0.1:${port}` } });
  paymentsEnv = {
    ...shared,
    PAYMENTS_PORT: String(port),
    ZAPDEPLOY_PUBLIC_URL: api.url,
    MERCADOPAGO_ACCESS_TOKEN: mp.accessToken,
    MERCADOPAGO_WEBHOOK_SECRET: mp.webhookSecret,
    MERCADOPAGO_API_URL: mp.url,
    ZAPDEPLOY_PAYMENTS_CLAIM_SECONDS: '2',
  };
}, 60_000);

afterAll(async () => {
  for (const proc of running) await proc.kill('SIGKILL');
  await api?.close();
  await database?.drop();
  await mp?.close();
});

async function startPayments(): Promise<Proc> {
  const proc = startProcess('payments', paymentsEnv);
  running.push(proc);
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${paymentsEnv.PAYMENTS_PORT}/health`)).ok, 60_000, 'the payments service');
  return proc;
}

describe('payments service process', () => {
  it('refuses to start with half the Mercado Pago settings, naming the missing one', async () => {
    const proc = startProcess('payments', { ...paymentsEnv, MERCADOPAGO_WEBHOOK_SECRET: '' });
    expect(await proc.kill('SIGCONT')).toBe(78);
    expect(proc.output()).toContain('MERCADOPAGO_WEBHOOK_SECRET');
  });

  it('applies a notification exactly once when the process is killed while handling it', async () => {
    const first = await startPayments();
    const client = new TestClient(api.url);
    expect((await client.post('/api/auth/sign-up/email', { email: 'killed@example.com', password: 'cavalo-bateria-grampo', name: 'K' })).status).toBe(200);
    const created = await client.post('/api/v1/instances', { name: 'sobrevive', repoUrl: 'https://github.com/zapdeploy/example-bot', planId: 'plan_bot' });
    const id = String(created.body.id);
    const checkout = await client.post(`/api/v1/instances/${id}/checkout`, { planId: 'plan_bot', method: 'pix' });
    expect(checkout.status).toBe(201);
    const payment = [...mp.payments.values()].find((p) => p.external_reference === checkout.body.checkoutId);
    if (!payment) throw new Error('no payment at the stand-in');
    mp.setPaymentStatus(payment.id, 'approved');

    // Mercado Pago answers 500 for a while: the notification is stored, the process is mid-way when killed.
    mp.failNext('GET', `/v1/payments/${payment.id}`, 500, 3);
    const fetched = () => mp.requests.filter((r) => r.method === 'GET' && r.path === `/v1/payments/${payment.id}`).length;
    expect(await mp.notify(`${api.url}/api/webhooks/mercadopago`, { topic: 'payment', dataId: String(payment.id) })).toBe(200);
    await waitUntil(async () => fetched() > 0, 20_000, 'the service to start handling the notification');
    await first.kill('SIGKILL');
    const [stored] = await api.platform.database.db.select().from(tables.paymentNotifications);
    expect(stored?.processedAt).toBeNull();

    await startPayments();
    await waitUntil(
      async () => (await client.get(`/api/v1/instances/${id}`)).body.desiredState === 'running',
      60_000,
      'the instance to be activated by the new process',
    );
    // Mercado Pago retries the notification later; nothing happens twice.
    expect(await mp.notify(`${api.url}/api/webhooks/mercadopago`, { topic: 'payment', dataId: String(payment.id) })).toBe(200);
    await waitUntil(
      async () =>
        (await api.platform.database.db.select().from(tables.paymentNotifications).where(isNotNull(tables.paymentNotifications.processedAt))).length === 2,
      30_000,
      'the retry to be processed',
    );
    const approved = (await api.platform.database.db.select().from(tables.outbox).where(eq(tables.outbox.name, 'payment.approved'))).length;
    expect(approved).toBe(1);
    const payments = (await client.get(`/api/v1/instances/${id}/payments`)).body.items as { status: string }[];
    expect(payments.map((p) => p.status)).toEqual(['approved']);
  });
});
