import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoUrl = 'https://github.com/zapdeploy/example-bot';
const password = 'cavalo-bateria-grampo';

describe('guest rate limits (public install)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_GUEST_RATE_LIMIT_PER_HOUR: '2', ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE: '2' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  // The API trusts X-Forwarded-For from a proxy on loopback (trust proxy: loopback): the test plays that proxy.
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('counts /api/v1/GUEST, a trailing slash and Better Auth’s anonymous sign-in against the same guest budget', async () => {
    const ip = '203.0.113.7';
    expect((await new TestClient(api.url).post('/api/v1/guest', {}, from(ip))).status).toBe(201);
    expect((await new TestClient(api.url).post('/api/v1/guest/', {}, from(ip))).status).toBe(201);
    const upper = await new TestClient(api.url).post('/api/v1/GUEST', {}, from(ip));
    expect(upper.status).toBe(429);
    expect(upper.headers.get('content-type')).toContain('application/problem+json');
    expect(upper.body.code).toBe('rate_limited');
    expect((await new TestClient(api.url).post('/api/auth/sign-in/anonymous', {}, from(ip))).status).toBe(429);
    expect((await new TestClient(api.url).post('/api/v1/Guest', {}, from('203.0.113.8'))).status).toBe(201);
  });

  it('gives one IPv6 /64 one budget, however many addresses it rotates through', async () => {
    const network = '2001:db8:1234:5678';
    expect((await new TestClient(api.url).post('/api/v1/guest', {}, from(`${network}::1`))).status).toBe(201);
    expect((await new TestClient(api.url).post('/api/v1/guest', {}, from(`${network}:aaaa:bbbb:cccc:dddd`))).status).toBe(201);
    expect((await new TestClient(api.url).post('/api/v1/guest', {}, from(`${network}:ffff::2`))).status).toBe(429);
    // The next /64 is someone else.
    expect((await new TestClient(api.url).post('/api/v1/guest', {}, from('2001:db8:1234:5679::1'))).status).toBe(201);
  });

  it('limits sign-in per route, whatever the case of the path', async () => {
    const ip = '198.51.100.20';
    const attempt = (path: string) => new TestClient(api.url).post(path, { email: 'ninguem@example.com', password: 'senha-errada-123' }, from(ip));
    expect((await attempt('/api/auth/sign-in/email')).status).toBe(401);
    expect((await attempt('/api/auth/SIGN-IN/email')).status).not.toBe(429);
    expect((await attempt('/API/AUTH/Sign-In/Email')).status).toBe(429);
    // Sign-up has a budget of its own.
    const signUp = await new TestClient(api.url).post('/api/auth/sign-up/email', { email: 'rota@example.com', password, name: 'Rota' }, from(ip));
    expect(signUp.status).toBe(200);
  });
});

describe('guests on a public install', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_GUEST_TTL_DAYS: '7' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  const db = () => api.platform.database.db;
  const idleSince = async (userId: string, daysAgo: number) => {
    await db()
      .update(tables.users)
      .set({ lastActiveAt: new Date(Date.now() - daysAgo * 24 * 60 * 60 * 1000) })
      .where(eq(tables.users.id, userId));
  };

  it('are told when they expire, and each visit moves the date on', async () => {
    const browser = new TestClient(api.url);
    const guest = await browser.post('/api/v1/guest');
    const id = (guest.body.user as { id: string }).id;
    const fresh = await browser.get('/api/v1/me');
    const expiresAt = Date.parse((fresh.body.user as { guestExpiresAt: string }).guestExpiresAt);
    expect(expiresAt).toBeGreaterThan(Date.now() + 6.9 * 24 * 60 * 60 * 1000);
    expect(expiresAt).toBeLessThan(Date.now() + 7.1 * 24 * 60 * 60 * 1000);
    await idleSince(id, 3);
    const back = await browser.get('/api/v1/me');
    expect(Date.parse((back.body.user as { guestExpiresAt: string }).guestExpiresAt)).toBeGreaterThan(Date.now() + 6.9 * 24 * 60 * 60 * 1000);
    const features = await new TestClient(api.url).get('/api/v1/config');
    expect(features.body).toMatchObject({ guests: true, guestTtlDays: 7, signups: 'open' });
  });

  it('idle past the TTL are deleted with their instances, through the worker’s usual delete', async () => {
    const idle = new TestClient(api.url);
    const idleId = ((await idle.post('/api/v1/guest')).body.user as { id: string }).id;
    const idleBot = await idle.post('/api/v1/instances', { name: 'bot-esquecido', repoUrl });
    expect(idleBot.status).toBe(201);
    const active = new TestClient(api.url);
    const activeId = ((await active.post('/api/v1/guest')).body.user as { id: string }).id;
    const activeBot = await active.post('/api/v1/instances', { name: 'bot-ativo', repoUrl });
    await idleSince(idleId, 8);
    await idleSince(activeId, 6);

    expect(await api.platform.guests.sweep()).toBeGreaterThanOrEqual(1);

    expect((await idle.get('/api/v1/me')).status).toBe(401);
    expect(await db().select().from(tables.users).where(eq(tables.users.id, idleId))).toHaveLength(0);
    const [deleted] = await db()
      .select()
      .from(tables.instances)
      .where(eq(tables.instances.id, idleBot.body.id as string));
    expect(deleted).toMatchObject({ desiredState: 'deleted', status: 'deleting' });
    const outbox = await db().select().from(tables.outbox);
    expect(
      outbox.some(
        (row) =>
          (row.payload as { instanceId: string; reason: string }).instanceId === idleBot.body.id &&
          (row.payload as { reason: string }).reason === 'guest_expired',
      ),
    ).toBe(true);
    // Within the TTL: untouched.
    expect((await active.get('/api/v1/me')).status).toBe(200);
    expect((await active.get(`/api/v1/instances/${activeBot.body.id}`)).body).toMatchObject({ status: 'queued' });
  });

  it('keep their instance and their session when signing in would take the account past its dev limit', async () => {
    const owner = new TestClient(api.url, { acceptLanguage: 'pt-BR' });
    expect((await owner.post('/api/auth/sign-up/email', { email: 'lia@example.com', password, name: 'Lia' })).status).toBe(200);
    const ownerBot = await owner.post('/api/v1/instances', { name: 'bot-da-lia', repoUrl });
    expect(ownerBot.status).toBe(201);

    const browser = new TestClient(api.url, { acceptLanguage: 'pt-BR' });
    const guestId = ((await browser.post('/api/v1/guest')).body.user as { id: string }).id;
    const guestBot = await browser.post('/api/v1/instances', { name: 'bot-visitante', repoUrl });
    expect(guestBot.status).toBe(201);
    const signIn = await browser.post('/api/auth/sign-in/email', { email: 'lia@example.com', password });
    expect(signIn.status).toBe(409);
    expect(signIn.headers.get('content-type')).toContain('application/problem+json');
    expect(signIn.body.code).toBe('guest_merge_dev_limit');
    expect(signIn.body.detail).toContain('Nada foi alterado');
    expect(signIn.headers.getSetCookie()).toEqual([]);

    const me = await browser.get('/api/v1/me');
    expect(me.body.user).toMatchObject({ id: guestId, isGuest: true });
    expect(((await browser.get('/api/v1/instances')).body.items as { id: string }[]).map((i) => i.id)).toEqual([guestBot.body.id]);
    expect(((await owner.get('/api/v1/instances')).body.items as { id: string }[]).map((i) => i.id)).toEqual([ownerBot.body.id]);
    // No session of the account was left behind for the refused sign-in.
    const [account] = await db().select().from(tables.users).where(eq(tables.users.email, 'lia@example.com'));
    expect(
      await db()
        .select()
        .from(tables.sessions)
        .where(eq(tables.sessions.userId, account?.id ?? '')),
    ).toHaveLength(1);
    // Once the account's own dev instance is gone, the guest's joins it.
    expect((await owner.delete(`/api/v1/instances/${ownerBot.body.id}`)).status).toBe(202);
    await db()
      .update(tables.instances)
      .set({ deletedAt: new Date() })
      .where(eq(tables.instances.id, ownerBot.body.id as string));
    expect((await browser.post('/api/auth/sign-in/email', { email: 'lia@example.com', password })).status).toBe(200);
    expect(((await browser.get('/api/v1/instances')).body.items as { id: string }[]).map((i) => i.id)).toEqual([guestBot.body.id]);
  });

  it('keep their instance when the account already has one of the same name', async () => {
    const owner = new TestClient(api.url);
    expect((await owner.post('/api/auth/sign-up/email', { email: 'nina@example.com', password, name: 'Nina' })).status).toBe(200);
    // A paid plan: the account's dev allowance stays free, only the name collides.
    expect((await owner.post('/api/v1/instances', { name: 'meu-bot', repoUrl, planId: 'plan_bot' })).status).toBe(201);
    const browser = new TestClient(api.url, { acceptLanguage: 'en' });
    const guestBot = await (async () => {
      await browser.post('/api/v1/guest');
      return browser.post('/api/v1/instances', { name: 'meu-bot', repoUrl });
    })();
    const signIn = await browser.post('/api/auth/sign-in/email', { email: 'nina@example.com', password });
    expect(signIn.status).toBe(409);
    expect(signIn.body).toMatchObject({ code: 'guest_merge_name_taken', detail: expect.stringContaining('“meu-bot”') });
    expect((await browser.get('/api/v1/me')).body.user).toMatchObject({ isGuest: true });
    expect(((await browser.get('/api/v1/instances')).body.items as { id: string }[]).map((i) => i.id)).toEqual([guestBot.body.id]);
  });
});
