import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoUrl = 'https://github.com/zapdeploy/example-bot';
let api: TestApi;
let counter = 0;

async function user(): Promise<TestClient> {
  const browser = new TestClient(api.url);
  counter += 1;
  const response = await browser.post('/api/auth/sign-up/email', {
    email: `user${counter}@example.com`,
    password: 'cavalo-bateria-grampo',
    name: `User ${counter}`,
  });
  expect(response.status).toBe(200);
  return browser;
}

async function guest(): Promise<TestClient> {
  const browser = new TestClient(api.url);
  expect((await browser.post('/api/v1/guest')).status).toBe(201);
  return browser;
}

// The same behaviour on Postgres (full mode) and on embedded PGlite (single connection).
describe.each(['full', 'embedded'] as const)('%s mode', (mode) => {
  beforeAll(async () => {
    api = await startTestApi({ mode, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'true' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  describe('creating instances', () => {
    it('records the instance, its first deployment, encrypted env and an outbox message in one go', async () => {
      const browser = await user();
      const created = await browser.post('/api/v1/instances', { name: 'Meu Bot', repoUrl, branch: 'main', rootDir: './bot/', env: { API_KEY: 'segredo-123' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Meu Bot',
        status: 'queued',
        desiredState: 'running',
        planId: 'plan_dev',
        repoUrl,
        branch: 'main',
        rootDir: 'bot',
        envKeys: ['API_KEY'],
        currentDeployment: { number: 1, status: 'queued', trigger: 'create' },
      });
      expect(created.text).not.toContain('segredo-123');
      const db = api.platform.database.db;
      const [envRow] = await db
        .select()
        .from(tables.instanceEnv)
        .where(eq(tables.instanceEnv.instanceId, created.body.id as string));
      expect(envRow?.valueEncrypted).toMatch(/^v1\./);
      expect(envRow?.valueEncrypted).not.toContain('segredo');
      const outbox = await db.select().from(tables.outbox);
      expect(outbox.some((m) => m.name === 'instance.reconcile' && (m.payload as { instanceId: string }).instanceId === created.body.id)).toBe(true);
    });

    it('explains each invalid field, in the caller’s language', async () => {
      const browser = await user();
      const bad = await browser.post('/api/v1/instances', { name: '', repoUrl: 'ftp://x', env: { '1BAD': 'x', ZAPDEPLOY_X: 'y' }, extra: true });
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.body).toMatchObject({
        code: 'validation_failed',
        detail: 'Alguns campos estão inválidos.',
        type: 'urn:zapdeploy:problem:validation_failed',
        status: 422,
      });
      const paths = (bad.body.errors as { path: string }[]).map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.repoUrl', 'body.env.1BAD', 'body.env.ZAPDEPLOY_X', 'body']));
      const credentials = await browser.post('/api/v1/instances', { name: 'x', repoUrl: 'https://user:pass@github.com/a/b' });
      expect(credentials.status).toBe(422);
      const malformed = await browser.request('POST', '/api/v1/instances', '{"name":', { 'content-type': 'application/json' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('malformed_json');
      expect((await browser.get('/api/v1/instances')).body.items).toEqual([]);
    });

    it('honours Idempotency-Key: one instance however many retries, and refuses the key for another body', async () => {
      const browser = await user();
      const key = 'create-bot-0001';
      const body = { name: 'idem', repoUrl };
      const answers = await Promise.all([1, 2, 3].map(() => browser.post('/api/v1/instances', body, { 'idempotency-key': key })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
      expect((await browser.get('/api/v1/instances')).body.items).toHaveLength(1);
      const reused = await browser.post('/api/v1/instances', { name: 'other', repoUrl }, { 'idempotency-key': key });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('idempotency_key_reused');
    });

    it('refuses a duplicate name for the same owner', async () => {
      const browser = await user();
      expect((await browser.post('/api/v1/instances', { name: 'dup', repoUrl })).status).toBe(201);
      const dup = await browser.post('/api/v1/instances', { name: 'dup', repoUrl, planId: 'plan_bot' });
      expect([402, 409]).toContain(dup.status);
    });
  });

  describe('guest and plan limits', () => {
    it('gives a guest one dev instance, no more and no paid plan', async () => {
      const browser = await guest();
      const paid = await browser.post('/api/v1/instances', { name: 'pago', repoUrl, planId: 'plan_pro' });
      expect(paid.status).toBe(403);
      expect(paid.body.code).toBe('guest_plan_not_allowed');
      expect(paid.body.detail).toContain('Crie uma conta');
      expect((await browser.post('/api/v1/instances', { name: 'um', repoUrl })).status).toBe(201);
      const second = await browser.post('/api/v1/instances', { name: 'dois', repoUrl });
      expect(second.status).toBe(409);
      expect(second.body.code).toBe('guest_instance_limit');
      const created = (await browser.get('/api/v1/instances')).body.items as { id: string }[];
      const upgrade = await browser.patch(`/api/v1/instances/${created[0]?.id}`, { planId: 'plan_bot' });
      expect(upgrade.status).toBe(403);
    });

    it('holds the guest limit under concurrent creation', async () => {
      const browser = await guest();
      const answers = await Promise.all(['a', 'b', 'c', 'd'].map((name) => browser.post('/api/v1/instances', { name, repoUrl })));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      expect((await browser.get('/api/v1/instances')).body.items).toHaveLength(1);
    });

    it('creates production plans paused, awaiting payment, on a public install', async () => {
      const browser = await user();
      const paid = await browser.post('/api/v1/instances', { name: 'pro', repoUrl, planId: 'plan_pro' });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({ planId: 'plan_pro', desiredState: 'paused', status: 'paused', statusReason: 'awaiting_payment' });
      expect(paid.body.statusDetail).toContain('Aguardando pagamento');
      const resume = await browser.post(`/api/v1/instances/${paid.body.id}/resume`);
      expect(resume.status).toBe(402);
      expect(resume.body.code).toBe('instance_unpaid');
      const dev = await browser.post('/api/v1/instances', { name: 'dev', repoUrl });
      const upgrade = await browser.patch(`/api/v1/instances/${dev.body.id}`, { planId: 'plan_pro' });
      expect(upgrade.status).toBe(402);
      expect(upgrade.body.code).toBe('plan_requires_payment');
      const unknown = await browser.post('/api/v1/instances', { name: 'x', repoUrl, planId: 'plan_nope' });
      expect(unknown.status).toBe(404);
    });
  });

  describe('ownership', () => {
    it('answers 404 to another user for every instance path', async () => {
      const alice = await user();
      const bob = await user();
      const created = await alice.post('/api/v1/instances', { name: 'da-alice', repoUrl, env: { TOKEN: 'x' } });
      const id = created.body.id as string;
      const attempts = [
        bob.get(`/api/v1/instances/${id}`),
        bob.get(`/api/v1/instances/${id}/deployments`),
        bob.get(`/api/v1/instances/${id}/env`),
        bob.patch(`/api/v1/instances/${id}`, { name: 'roubado' }),
        bob.post(`/api/v1/instances/${id}/pause`),
        bob.post(`/api/v1/instances/${id}/resume`),
        bob.post(`/api/v1/instances/${id}/redeploy`),
        bob.post(`/api/v1/instances/${id}/restart`),
        bob.delete(`/api/v1/instances/${id}`),
      ];
      for (const answer of await Promise.all(attempts)) {
        expect(answer.status).toBe(404);
        expect(answer.body.code).toBe('instance_not_found');
      }
      expect((await bob.get('/api/v1/instances')).body.items).toEqual([]);
      expect((await alice.get(`/api/v1/instances/${id}/env`)).body).toEqual({ env: { TOKEN: 'x' } });
      const mine = await alice.get(`/api/v1/instances/${id}`);
      expect(mine.body).toMatchObject({ name: 'da-alice', desiredState: 'running' });
    });

    it('needs a session or token for every instance path', async () => {
      const anonymous = new TestClient(api.url);
      const answer = await anonymous.get('/api/v1/instances');
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('unauthenticated');
    });
  });

  describe('lifecycle intents', () => {
    it('pause, resume, restart, redeploy, rename, env and delete record the desired state', async () => {
      const browser = await user();
      const id = (await browser.post('/api/v1/instances', { name: 'ciclo', repoUrl })).body.id as string;
      const paused = await browser.post(`/api/v1/instances/${id}/pause`);
      expect(paused.status).toBe(202);
      expect(paused.body.instance).toMatchObject({ desiredState: 'paused' });
      expect((await browser.post(`/api/v1/instances/${id}/restart`)).body.code).toBe('instance_paused');
      expect((await browser.post(`/api/v1/instances/${id}/resume`)).body.instance).toMatchObject({ desiredState: 'running' });
      expect((await browser.post(`/api/v1/instances/${id}/resume`)).status).toBe(409);
      expect((await browser.post(`/api/v1/instances/${id}/restart`)).status).toBe(202);
      const redeployed = await browser.post(`/api/v1/instances/${id}/redeploy`);
      expect(redeployed.body.instance).toMatchObject({ status: 'queued', currentDeployment: { number: 2, trigger: 'redeploy' } });
      const renamed = await browser.patch(`/api/v1/instances/${id}`, { name: 'novo-nome', env: { A: '1', B: '2' } });
      expect(renamed.body).toMatchObject({ name: 'novo-nome', envKeys: ['A', 'B'] });
      expect((await browser.patch(`/api/v1/instances/${id}`, {})).status).toBe(422);
      const history = await browser.get(`/api/v1/instances/${id}/deployments`);
      expect((history.body.items as { number: number }[]).map((d) => d.number)).toEqual([2, 1]);
      const deleted = await browser.delete(`/api/v1/instances/${id}`);
      expect(deleted.status).toBe(202);
      expect(deleted.body.instance).toMatchObject({ desiredState: 'deleted', status: 'deleting' });
      expect((await browser.post(`/api/v1/instances/${id}/pause`)).body.code).toBe('instance_deleted');
    });

    it('pages through instances with a cursor', async () => {
      await startPaging(mode);
    });
  });
});

async function startPaging(mode: 'full' | 'embedded') {
  const own = await startTestApi({ mode, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' } });
  try {
    const browser = new TestClient(own.url);
    await browser.post('/api/auth/sign-up/email', { email: 'pager@example.com', password: 'cavalo-bateria-grampo', name: 'Pager' });
    for (let i = 0; i < 5; i++) expect((await browser.post('/api/v1/instances', { name: `bot-${i}`, repoUrl, planId: 'plan_bot' })).status).toBe(201);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await browser.get(`/api/v1/instances?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      names.push(...(page.body.items as { name: string }[]).map((i) => i.name));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(names).toEqual(['bot-4', 'bot-3', 'bot-2', 'bot-1', 'bot-0']);
    expect((await browser.get('/api/v1/instances?cursor=garbage')).body.code).toBe('invalid_cursor');
    expect((await browser.get('/api/v1/instances?limit=1000')).status).toBe(422);
  } finally {
    await own.close();
  }
}
