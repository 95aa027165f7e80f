import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PaymentApprovedV1 } from '@zapdeploy/contracts';
import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient, type TestResponse } from '@zapdeploy/test-support/support/http-client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PREFIX = 'zdt-deadletters';
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'true', ZAPDEPLOY_REDIS_PREFIX: PREFIX } });
});
afterAll(async () => {
  await api?.close();
});

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What an operator runs: the re-drive script, against this test's broker and prefix. */
async function redriveScript(queue: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/redrive-dead-letters.ts', queue], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', AMQP_URL: api.platform.config.infra.amqpUrl ?? '', ZAPDEPLOY_AMQP_PREFIX: api.platform.config.infra.amqpPrefix },
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    output += String(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, output).toBe(0);
  return output;
}

describe('dead-lettered billing events', () => {
  it('alerts when a billing event is dead-lettered, and an operator re-drives it: it is applied once', async () => {
    const owner = new TestClient(api.url);
    expect((await owner.post('/api/auth/sign-up/email', { email: 'dono@example.com', password: 'cavalo-bateria-grampo', name: 'Dono' })).status).toBe(200);
    const me = (await owner.get('/api/v1/me')).body as unknown as { user: { id: string } };
    const created = await owner.post('/api/v1/instances', { name: 'loja', repoUrl: 'https://github.com/acme/loja-bot', planId: 'plan_bot' });
    expect(created.body).toMatchObject({ desiredState: 'paused', statusReason: 'awaiting_payment' });
    const instanceId = created.body.id as string;

    // The log store breaks for this instance (a key of the wrong type): the event fails on every delivery.
    const redis = api.platform.redis;
    if (!redis) throw new Error('full mode has Redis');
    const logKey = `${PREFIX}:logs:instance:${instanceId}`;
    await redis.del(logKey);
    await redis.set(logKey, 'not a stream');
    const event = { instanceId, ownerId: me.user.id, paymentId: '100000000777', planId: 'plan_bot', amountCents: 500, paidUntil: '2027-01-01T00:00:00.000Z' };
    await api.platform.bus.publish(PaymentApprovedV1, event);

    await until(
      () => api.platform.bus.deadLetterCount('api.billing'),
      (count) => count === 1,
      'the dead letter',
    );
    const alerts = await until(
      async () => api.logs.filter((line) => line.startsWith('ALERT billing')),
      (lines) => lines.length > 0,
      'the alert',
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('payment.approved.v1 dead-lettered');
    expect(alerts[0]).toContain('scripts/redrive-dead-letters.ts api.billing');

    // Fixed, then re-driven by the operator: the event is handled again, and its effects happen once.
    await redis.del(logKey);
    expect(await redriveScript('api.billing')).toContain('1 dead letter(s) moved back');
    const logs = await until(
      async () => ((await owner.get(`/api/v1/instances/${instanceId}/logs`)).body.items ?? []) as { line: string }[],
      (items) => items.some((item) => item.line.includes('Pagamento de R$ 5,00 aprovado')),
      'the event applied',
    );
    expect(logs.filter((item) => item.line.includes('Pagamento de R$ 5,00 aprovado'))).toHaveLength(1);
    expect(await api.platform.bus.deadLetterCount('api.billing')).toBe(0);
    const running: TestResponse = await owner.get(`/api/v1/instances/${instanceId}`);
    expect(running.body).toMatchObject({ desiredState: 'running', statusReason: null });
    const db = api.platform.database.db;
    const applied = await db
      .select()
      .from(tables.auditLog)
      .where(and(eq(tables.auditLog.targetId, instanceId), eq(tables.auditLog.action, 'instance.payment_approved')));
    expect(applied).toHaveLength(1);
    expect(await redriveScript('api.billing')).toContain('0 dead letter(s) moved back');
  });
});
