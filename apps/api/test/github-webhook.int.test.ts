import { randomUUID } from 'node:crypto';
import { tables } from '@zapdeploy/db';
import { signWebhook } from '@zapdeploy/github';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'webhook-secret-0123456789';
const repoUrl = 'https://github.com/acme/push-bot';
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', GITHUB_WEBHOOK_SECRET: SECRET } });
});
afterAll(async () => {
  await api?.close();
});

async function push(delivery: string) {
  const raw = JSON.stringify({ ref: 'refs/heads/main', after: 'c'.repeat(40), repository: { html_url: repoUrl, default_branch: 'main' } });
  return fetch(`${api.url}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': delivery,
      'x-hub-signature-256': signWebhook(raw, SECRET),
    },
    body: raw,
  });
}

describe('GitHub push deliveries', () => {
  it('records a delivery only with the redeploy it caused: a redeploy that failed is done on GitHub’s redelivery, once', async () => {
    const owner = new TestClient(api.url);
    expect((await owner.post('/api/auth/sign-up/email', { email: 'pusher@example.com', password: 'cavalo-bateria-grampo', name: 'Pusher' })).status).toBe(200);
    const created = await owner.post('/api/v1/instances', { name: 'push-bot', repoUrl, branch: 'main' });
    expect(created.status).toBe(201);
    const instanceId = created.body.id as string;
    const db = api.platform.database.db;
    const deliveries = async () => (await db.select().from(tables.webhookDeliveries)).length;

    // A deployment of the same instance made at the same moment (another request) holds the next deployment number
    // until it commits: the push's redeploy then fails on the unique (instance, number).
    const delivery = randomUUID();
    let answer: Promise<Response> | undefined;
    await db.transaction(async (tx) => {
      await tx.insert(tables.deployments).values({ id: `dep_race_${randomUUID().slice(0, 8)}`, instanceId, number: 2, trigger: 'manual' });
      answer = push(delivery);
      for (let waited = 0; ; waited += 20) {
        const result = (await db.execute(
          sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        )) as unknown as { rows: { waiting: number }[] };
        if ((result.rows[0]?.waiting ?? 0) > 0) break;
        if (waited > 10_000) throw new Error('the push never reached the deployment insert');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    const failed = await answer;
    expect(failed?.status).toBe(500);
    expect(await deliveries()).toBe(0);

    // GitHub redelivers the same delivery: this time it redeploys, and a third copy is a duplicate.
    const retried = await push(delivery);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual({ redeployed: 1 });
    const again = await push(delivery);
    expect(await again.json()).toEqual({ duplicate: true, redeployed: 0 });
    const rows = await db.select().from(tables.deployments).where(eq(tables.deployments.instanceId, instanceId));
    expect(rows.map((r) => `${r.number}:${r.trigger}`).sort()).toEqual(['1:create', '2:manual', '3:push']);
    expect(await deliveries()).toBe(1);
  });
});
