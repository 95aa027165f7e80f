import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE: '5' } });
});
afterAll(async () => {
  await api?.close();
});

describe('health and readiness', () => {
  it('reports ok and ready when Postgres, RabbitMQ and Redis answer', async () => {
    const client = new TestClient(api.url);
    expect((await client.get('/api/health')).body).toEqual({ status: 'ok' });
    const ready = await client.get('/api/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', bus: 'ok', logStore: 'ok' } });
    expect(api.platform.bus.kind).toBe('rabbitmq');
    expect(api.platform.database.kind).toBe('postgres');
  });

  it('answers 503 naming the dependency that does not answer', async () => {
    const broken = await startTestApi({ mode: 'full', env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const ready = await new TestClient(broken.url).get('/api/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect(ready.body.checks).toMatchObject({ database: 'ok', bus: 'ok' });
      expect((ready.body.checks as Record<string, string>).logStore).toBe('unavailable');
      // What failed is named, never how: no addresses, ports or driver messages.
      expect(ready.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|redis:|connect|:1\b/i);
    } finally {
      await broken.close();
    }
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document covering the public contract, and a docs page', async () => {
    const client = new TestClient(api.url);
    const doc = await client.get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    for (const [path, method] of [
      ['/api/v1/guest', 'post'],
      ['/api/v1/me', 'get'],
      ['/api/v1/tokens', 'post'],
      ['/api/v1/plans', 'get'],
      ['/api/v1/instances', 'post'],
      ['/api/v1/instances/{id}', 'patch'],
      ['/api/auth/sign-up/email', 'post'],
      ['/api/auth/sign-in/email', 'post'],
    ] as const) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect((doc.body.components as { schemas: Record<string, unknown> }).schemas).toHaveProperty('Problem');
    const docs = await fetch(`${api.url}/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui-bundle.js');
    const asset = await fetch(`${api.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
  });
});

describe('errors and limits', () => {
  it('answers unknown API paths with a problem', async () => {
    const answer = await new TestClient(api.url, { acceptLanguage: 'es' }).get('/api/v1/nope');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'route_not_found', detail: 'Esta ruta no existe en la API.' });
  });

  it('lists plans in BRL, as seeded', async () => {
    const plans = await new TestClient(api.url).get('/api/v1/plans');
    expect(plans.body).toEqual([
      { id: 'plan_dev', slug: 'dev', name: 'Dev', priceCents: 0, currency: 'BRL', cpuMillis: 250, memoryMb: 256, diskMb: 1024, tier: 'dev' },
      { id: 'plan_bot', slug: 'bot', name: 'Bot', priceCents: 500, currency: 'BRL', cpuMillis: 250, memoryMb: 256, diskMb: 2048, tier: 'production' },
      {
        id: 'plan_bot_plus',
        slug: 'bot-plus',
        name: 'Bot Plus',
        priceCents: 1500,
        currency: 'BRL',
        cpuMillis: 500,
        memoryMb: 512,
        diskMb: 5120,
        tier: 'production',
      },
      { id: 'plan_pro', slug: 'pro', name: 'Pro', priceCents: 5000, currency: 'BRL', cpuMillis: 1000, memoryMb: 2048, diskMb: 10240, tier: 'production' },
    ]);
  });

  it('rate limits sign-in attempts through Redis, with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) {
      answers.push(await new TestClient(api.url).post('/api/auth/sign-in/email', { email: 'nobody@example.com', password: 'whatever-123' }));
    }
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited[0]?.body.code).toBe('rate_limited');
    const keys = await api.platform.redis?.keys(`${api.platform.config.infra.redisPrefix}:*`);
    expect(keys?.length).toBeGreaterThan(0);
    expect((await new TestClient(api.url).get('/api/v1/plans')).status).toBe(200);
  });
});
