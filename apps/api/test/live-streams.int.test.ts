import { logKeys } from '@zapdeploy/logstore';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { services } from '@zapdeploy/test-support/support/services';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const redis = new Redis(services.redisUrl);
afterAll(() => redis.disconnect());

async function guest(api: TestApi): Promise<TestClient> {
  const browser = new TestClient(api.url);
  expect((await browser.post('/api/v1/guest')).status).toBe(201);
  return browser;
}

/** Opens a live stream and keeps it open; its status, and how to close it. */
async function follow(api: TestApi, client: TestClient, path: string): Promise<{ status: number; body: string; close: () => void; retryAfter: string | null }> {
  const controller = new AbortController();
  const response = await fetch(`${api.url}${path}`, { headers: { accept: 'text/event-stream', cookie: client.cookieHeader() }, signal: controller.signal });
  const body = response.status === 200 ? '' : await response.text();
  return { status: response.status, body, retryAfter: response.headers.get('retry-after'), close: () => controller.abort() };
}

/** The Redis connections whose name starts with this install's prefix. */
async function connectionsOf(prefix: string): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .map((line) => /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith(`${prefix}:`));
}

describe('live streams (SSE)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_SSE_MAX_PER_USER: '10', ZAPDEPLOY_SSE_MAX_PER_IP: '14' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('are capped per user and per IP (429 problem+json), and all followers share one Redis connection', async () => {
    const owner = await guest(api);
    const created = await owner.post('/api/v1/instances', { name: 'seguido', repoUrl: 'https://github.com/zapdeploy/example-bot' });
    const path = `/api/v1/instances/${created.body.id as string}/logs?follow=1`;
    const open = [];
    for (let i = 0; i < 10; i++) open.push(await follow(api, owner, path));
    expect(open.map((stream) => stream.status)).toEqual(Array(10).fill(200));

    const refused = await follow(api, owner, '/api/v1/events');
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('10');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'too_many_streams', status: 429, detail: expect.stringContaining('10') });

    // Ten followers waiting on the log store: one connection for commands, one shared by every blocking read.
    const prefix = api.platform.config.infra.redisPrefix;
    await expect.poll(async () => (await connectionsOf(prefix)).sort(), { timeout: 5_000 }).toEqual([`${prefix}:blocking-reads`, `${prefix}:main`]);

    // A stream closed frees its place.
    open.pop()?.close();
    await expect
      .poll(
        async () => {
          const again = await follow(api, owner, '/api/v1/events');
          if (again.status === 200) open.push(again);
          return again.status;
        },
        { timeout: 5_000 },
      )
      .toBe(200);

    // Another user from the same address: up to the IP's limit (14, the owner holding 10).
    const other = await guest(api);
    const hers = [];
    for (let i = 0; i < 5; i++) hers.push(await follow(api, other, '/api/v1/events'));
    expect(hers.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 429]);
    expect(JSON.parse(hers[4]?.body ?? '{}')).toMatchObject({ code: 'too_many_streams', detail: expect.stringContaining('14') });
    for (const stream of [...open, ...hers]) stream.close();
  });
});

describe('log streams of a deleted instance', () => {
  let api: TestApi;
  beforeAll(async () => {
    // ProcessRuntime runs only on an install reachable from this machine alone.
    api = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_RUNTIME: 'process', ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', HOST: '127.0.0.1' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('are deleted with it, build logs included', async () => {
    // ProcessRuntime refuses installs with guests: an account of the allowed domain.
    const owner = new TestClient(api.url);
    expect((await owner.post('/api/auth/sign-up/email', { email: 'apagado@example.com', password: 'cavalo-bateria-grampo', name: 'A' })).status).toBe(200);
    // Nothing answers there: the clone fails at once, leaving build and instance log lines.
    const created = await owner.post('/api/v1/instances', { name: 'apagado', repoUrl: 'http://127.0.0.1:1/nada.git' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await expect.poll(async () => (await owner.get(`/api/v1/instances/${id}`)).body.status, { timeout: 60_000, interval: 250 }).toBe('failed');
    const deployments = (await owner.get(`/api/v1/instances/${id}/deployments`)).body.items as { id: string }[];
    const prefix = api.platform.config.infra.redisPrefix;
    const keys = [logKeys.instance(id), ...deployments.map((deployment) => logKeys.deployment(deployment.id))].map((key) => `${prefix}:${key}`);
    expect(await redis.exists(...keys)).toBe(keys.length);

    expect((await owner.delete(`/api/v1/instances/${id}`)).status).toBe(202);
    await expect.poll(async () => redis.exists(...keys, ...keys.map((key) => `${key}:bytes`)), { timeout: 60_000, interval: 250 }).toBe(0);
  });
});
