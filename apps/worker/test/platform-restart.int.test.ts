import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { createTestDatabase, uniqueName } from '@zapdeploy/test-support/support/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

let git: GitServer;
let database: { url: string; drop: () => Promise<void> };
const started: TestApi[] = [];
const env = { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_AMQP_PREFIX: uniqueName('zdt'), ZAPDEPLOY_REDIS_PREFIX: uniqueName('zdt') };

beforeAll(async () => {
  git = await new GitServer().start();
  database = await createTestDatabase();
});
afterAll(async () => {
  for (const api of started.reverse()) await api.close();
  await database?.drop();
  await git?.stop();
});

async function platform(): Promise<TestApi> {
  const api = await startTestApi({ mode: 'full', worker: true, databaseUrl: database.url, env });
  started.push(api);
  return api;
}

describe('a platform restart', () => {
  it('keeps the WhatsApp session: the bot keeps running, and later restarts and redeploys find the same session', async () => {
    const first = await platform();
    const client = new TestClient(first.url);
    expect((await client.post('/api/auth/sign-up/email', { email: 'restart@example.com', password: 'cavalo-bateria-grampo', name: 'R' })).status).toBe(200);
    const repoUrl = await git.commit(`restart-bot-${Date.now()}`, fixtures.sessionBot);
    const created = await client.post('/api/v1/instances', { name: 'sobrevive', repoUrl, planId: 'plan_bot' });
    const id = String(created.body.id);
    const lines = await waitForLog(client, `/api/v1/instances/${id}/logs`, / new$/, 180_000);
    const session = lines.find((l) => / new$/.test(l.line))?.line.split(' ')[1] ?? '';

    // The platform stops (bots keep running, as in a real upgrade of Zapdeploy) and comes back.
    await first.stop({ keepBots: true });
    const second = await platform();
    const again = new TestClient(second.url, {}, (client as unknown as { cookies: Map<string, string> }).cookies);
    await waitForInstance(again, id, (i) => i.status === 'running');

    const restored = async () =>
      ((await again.get(`/api/v1/instances/${id}/logs?limit=2000`)).body.items as { line: string }[]).filter((l) => l.line === `session ${session} restored`)
        .length;
    expect((await again.post(`/api/v1/instances/${id}/restart`)).status).toBe(202);
    await expect.poll(restored, { timeout: 90_000, interval: 500 }).toBe(1);
    expect((await again.post(`/api/v1/instances/${id}/redeploy`)).status).toBe(202);
    await expect.poll(restored, { timeout: 180_000, interval: 500 }).toBe(2);
    const all = ((await again.get(`/api/v1/instances/${id}/logs?limit=2000`)).body.items as { line: string }[]).map((l) => l.line);
    expect(all.filter((l) => / new$/.test(l))).toHaveLength(1);
  });
});
