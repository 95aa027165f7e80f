import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { services, uniqueName } from '@zapdeploy/test-support/support/services';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

const FLOOD_MS = 40_000;
/** The worker runs in this process: its memory is this process's (the unbounded parser went past 1 GB). */
const RSS_LIMIT_MB = 600;
const redisPrefix = uniqueName('zdt');

let git: GitServer;
let api: TestApi;
let client: TestClient;

beforeAll(async () => {
  git = await new GitServer().start();
  // Every line reaches the QR detector; only the log store gets at most 20 a second (the shared Redis is spared 100 MB/s).
  api = await startTestApi({
    mode: 'full',
    worker: true,
    env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_LOG_LINES_PER_SECOND: '20', ZAPDEPLOY_REDIS_PREFIX: redisPrefix },
  });
  client = new TestClient(api.url);
  expect((await client.post('/api/auth/sign-up/email', { email: 'flood@example.com', password: 'cavalo-bateria-grampo', name: 'F' })).status).toBe(200);
});

afterAll(async () => {
  await api?.close();
  await git?.stop();
  const redis = new Redis(services.redisUrl);
  try {
    const keys = await redis.keys(`${redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

async function create(name: string, files: Record<string, string>, env: Record<string, string> = {}): Promise<string> {
  const repoUrl = await git.commit(`${name}-${Date.now()}`, files);
  const response = await client.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot', env });
  expect(response.status).toBe(201);
  return String(response.body.id);
}

async function lastTick(id: string): Promise<number> {
  const lines = ((await client.get(`/api/v1/instances/${id}/logs?limit=50`)).body.items ?? []) as { line: string }[];
  return Math.max(
    0,
    ...lines
      .map((l) => /^tick (\d+)$/.exec(l.line)?.[1])
      .map(Number)
      .filter(Number.isFinite),
  );
}

describe('a bot flooding its output with what the WhatsApp parsers read', () => {
  it('leaves the other bots’ logs and statuses flowing, and the worker’s memory bounded', async () => {
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 100);
    try {
      const quiet = await create('quiet-bot', fixtures.nodeBot);
      await waitForLog(client, `/api/v1/instances/${quiet}/logs`, /^tick 3$/, 180_000);

      const payload = `2@${'F'.repeat(40)},GGGG,HHHH,IIII`;
      const flood = await create('flood-bot', fixtures.floodBot, { FLOOD_MS: String(FLOOD_MS), P: payload });
      await waitForInstance(client, flood, (i) => i.status === 'running');
      const floodStarted = Date.now();
      // The flood reaches the worker: the log budget drops most of it, and says so.
      await waitForLog(client, `/api/v1/instances/${flood}/logs`, /linha\(s\) descartada\(s\)/, 30_000);

      // While it floods, the quiet bot's lines keep coming...
      const ticks: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        ticks.push(await lastTick(quiet));
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      ticks.push(await lastTick(quiet));
      expect(
        ticks.every((tick, index) => index === 0 || tick > (ticks[index - 1] ?? 0)),
        `ticks seen: ${ticks.join(', ')}`,
      ).toBe(true);
      // ...and its status changes go through the worker as usual.
      expect((await client.post(`/api/v1/instances/${quiet}/pause`)).status).toBe(202);
      await waitForInstance(client, quiet, (i) => i.status === 'paused', 60_000);
      expect((await client.post(`/api/v1/instances/${quiet}/resume`)).status).toBe(202);
      await waitForInstance(client, quiet, (i) => i.status === 'running', 60_000);
      expect(Date.now() - floodStarted).toBeLessThan(FLOOD_MS); // all of that happened during the flood

      // After the flood, the flooding bot's own QR code is still read (the decoder pool survived it).
      await expect
        .poll(async () => ((await client.get(`/api/v1/instances/${flood}/whatsapp`)).body.qr as { payload: string } | null)?.payload, {
          timeout: FLOOD_MS + 180_000,
          interval: 500,
        })
        .toBe(payload);
      const state = (await client.get(`/api/v1/instances/${flood}/whatsapp`)).body as unknown as { connection: string; pairingCode: string | null };
      expect(state).toMatchObject({ connection: 'waiting_qr', pairingCode: null });
    } finally {
      clearInterval(sampler);
    }
    console.log(`worker process peak RSS during the flood: ${Math.round(peakRss / 1024 / 1024)} MB`);
    expect(Math.round(peakRss / 1024 / 1024)).toBeLessThan(RSS_LIMIT_MB);
  }, 420_000);
});
