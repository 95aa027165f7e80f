import { tables } from '@zapdeploy/db';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { type MercadoPagoStandIn, startMercadoPagoStandIn } from '@zapdeploy/test-support/stand-ins/mercadopago';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The operator console's people area through HTTP, on this machine's Postgres, Redis and RabbitMQ: users (search,
 * detail, suspension that pauses their bots and refuses their sessions and tokens, unsuspension that brings exactly
 * those bots back, a cap on instances) and every instance whoever owns it (filters, detail, logs, actions, courtesy).
 */

const SUPERADMIN = 'chefe@example.com';
const PASSWORD = 'cavalo-bateria-grampo';
const DAY = 86_400_000;

async function signUp(api: TestApi, email: string, name = email.split('@')[0] ?? 'x'): Promise<{ client: TestClient; id: string }> {
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', { email, password: PASSWORD, name });
  expect(response.status, response.text).toBe(200);
  return { client, id: (response.body.user as { id: string }).id };
}

type AdminInstance = {
  id: string;
  status: string;
  statusReason: string | null;
  statusDetail: string | null;
  desiredState: string;
  pausedBySuspension: boolean;
};

describe('suspending a user with a running bot (memory runtime, with a worker)', () => {
  let git: GitServer;
  let api: TestApi;
  let admin: TestClient;

  beforeAll(async () => {
    git = await new GitServer().start();
    // The memory runtime runs only on an install reachable from this machine alone, without guests.
    api = await startTestApi({
      mode: 'full',
      worker: true,
      env: { ZAPDEPLOY_RUNTIME: 'memory', ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', HOST: '127.0.0.1', ZAPDEPLOY_SUPERADMINS: SUPERADMIN },
    });
    ({ client: admin } = await signUp(api, SUPERADMIN));
  });
  afterAll(async () => {
    await api?.close();
    await git?.stop();
  });

  const repo = (name: string) =>
    git.commit(`${name}-${Date.now()}`, { ...fixtures.nodeBot, 'memory-bot.json': JSON.stringify({ lines: ['bot started', 'tick 1'] }) });
  const adminView = async (id: string, lang = 'pt-BR') =>
    (await admin.get(`/api/v1/admin/instances/${id}`, { 'accept-language': lang })).body as unknown as AdminInstance;
  const running = async (id: string) => (await api.worker?.runtime.workload.observe(id))?.running ?? false;

  it('pauses the bot, refuses the session, the token and a new sign-in; unsuspending brings the bot back; each step audited', async () => {
    const { client: owner, id: ownerId } = await signUp(api, 'dona-do-bot@example.com');
    const minted = await owner.post('/api/v1/tokens', { name: 'ci', scope: 'full' });
    expect(minted.status).toBe(201);
    const token = owner.withToken(minted.body.token as string);
    const bot = await owner.post('/api/v1/instances', { name: 'bot-vivo', repoUrl: await repo('bot-vivo'), planId: 'plan_bot' });
    expect(bot.status, bot.text).toBe(201);
    const botId = bot.body.id as string;
    // One the owner paused themselves: the suspension does not touch it, and unsuspending leaves it paused.
    const idle = await owner.post('/api/v1/instances', { name: 'bot-parado', repoUrl: await repo('bot-parado'), planId: 'plan_bot' });
    const idleId = idle.body.id as string;
    await expect.poll(async () => (await adminView(botId)).status, { timeout: 60_000 }).toBe('running');
    expect((await owner.post(`/api/v1/instances/${idleId}/pause`)).status).toBe(202);
    await expect.poll(async () => (await adminView(idleId)).status, { timeout: 60_000 }).toBe('paused');
    expect(await running(botId)).toBe(true);

    const suspended = await admin.post(`/api/v1/admin/users/${ownerId}/suspend`, { reason: 'Spam em massa denunciado' });
    expect(suspended.status, suspended.text).toBe(200);
    expect(suspended.body).toMatchObject({ id: ownerId, suspended: true, suspendedReason: 'Spam em massa denunciado' });
    expect(typeof suspended.body.suspendedAt).toBe('string');

    // The bot stops, saying why in the reader's language.
    await expect.poll(async () => (await adminView(botId)).status, { timeout: 60_000 }).toBe('paused');
    await expect.poll(() => running(botId)).toBe(false);
    expect(await adminView(botId)).toMatchObject({
      desiredState: 'paused',
      statusReason: 'account_suspended',
      pausedBySuspension: true,
      statusDetail: 'Pausada: conta suspensa. Fale com o suporte.',
    });
    expect((await adminView(botId, 'en')).statusDetail).toBe('Paused: account suspended. Contact support.');
    expect((await adminView(botId, 'es')).statusDetail).toBe('En pausa: cuenta suspendida. Habla con soporte.');
    expect((await adminView(idleId)).pausedBySuspension).toBe(false);

    // The session is gone, the token refused, and signing in again refused with a readable problem.
    expect((await owner.get('/api/v1/me')).status).toBe(401);
    const byToken = await token.get('/api/v1/instances');
    expect(byToken.status).toBe(401);
    expect(byToken.headers.get('content-type')).toContain('application/problem+json');
    const signIn = await new TestClient(api.url, { acceptLanguage: 'pt-BR' }).post('/api/auth/sign-in/email', {
      email: 'dona-do-bot@example.com',
      password: PASSWORD,
    });
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get('content-type')).toContain('application/problem+json');
    expect(signIn.body).toMatchObject({ code: 'account_suspended', detail: 'Esta conta está suspensa. Fale com o suporte para saber mais.' });
    expect(signIn.headers.getSetCookie()).toEqual([]);

    // Suspending again changes nothing (no second audit row).
    expect((await admin.post(`/api/v1/admin/users/${ownerId}/suspend`, { reason: 'de novo' })).body.suspendedReason).toBe('Spam em massa denunciado');

    const unsuspended = await admin.post(`/api/v1/admin/users/${ownerId}/unsuspend`);
    expect(unsuspended.status, unsuspended.text).toBe(200);
    expect(unsuspended.body).toMatchObject({ suspended: false, suspendedAt: null, suspendedReason: null });
    await expect.poll(async () => (await adminView(botId)).status, { timeout: 60_000 }).toBe('running');
    await expect.poll(() => running(botId)).toBe(true);
    expect(await adminView(botId)).toMatchObject({ desiredState: 'running', statusReason: null, pausedBySuspension: false });
    expect(await adminView(idleId)).toMatchObject({ desiredState: 'paused', status: 'paused' });
    expect((await admin.post(`/api/v1/admin/users/${ownerId}/unsuspend`)).status).toBe(200);

    // The token works again; the owner signs in again.
    expect((await token.get('/api/v1/instances')).status).toBe(200);
    const back = new TestClient(api.url);
    expect((await back.post('/api/auth/sign-in/email', { email: 'dona-do-bot@example.com', password: PASSWORD })).status).toBe(200);
    expect((await back.get('/api/v1/me')).status).toBe(200);

    const audit = await api.platform.adminAudit.list({ targetId: ownerId });
    expect(audit.map((row) => row.action)).toEqual(['user.unsuspend', 'user.suspend']);
    expect(audit[1]).toMatchObject({
      outcome: 'ok',
      after: { suspended: true, reason: 'Spam em massa denunciado', sessionsRevoked: 1, pausedInstances: [botId] },
    });
    expect(audit[0]).toMatchObject({ after: { suspended: false, resumedInstances: [botId] } });
    expect(audit.every((row) => row.actorId !== null && row.requestId)).toBe(true);
  });

  it('lets an operator pause, resume, restart, redeploy and delete a bot of any owner (202, 204), audited', async () => {
    const { client: owner } = await signUp(api, 'outra-dona@example.com');
    const created = await owner.post('/api/v1/instances', { name: 'bot-operado', repoUrl: await repo('bot-operado'), planId: 'plan_bot' });
    const id = created.body.id as string;
    await expect.poll(async () => (await adminView(id)).status, { timeout: 60_000 }).toBe('running');

    const paused = await admin.post(`/api/v1/admin/instances/${id}/pause`);
    expect(paused.status).toBe(202);
    expect((paused.body.instance as AdminInstance).desiredState).toBe('paused');
    await expect.poll(() => running(id)).toBe(false);
    expect((await admin.post(`/api/v1/admin/instances/${id}/restart`)).body.code).toBe('instance_paused');
    expect((await admin.post(`/api/v1/admin/instances/${id}/resume`)).status).toBe(202);
    await expect.poll(async () => (await adminView(id)).status, { timeout: 60_000 }).toBe('running');
    expect((await admin.post(`/api/v1/admin/instances/${id}/restart`)).status).toBe(202);
    const redeployed = await admin.post(`/api/v1/admin/instances/${id}/redeploy`);
    expect(redeployed.status).toBe(202);
    await expect
      .poll(async () => ((await admin.get(`/api/v1/admin/instances/${id}`)).body.deployments as { number: number; status: string }[])[0], {
        timeout: 60_000,
      })
      .toMatchObject({ number: 2, status: 'live' });
    const logs = await admin.get(`/api/v1/admin/instances/${id}/logs?limit=50`);
    expect(logs.status).toBe(200);
    expect((logs.body.items as { line: string }[]).some((line) => line.line.includes('tick 1'))).toBe(true);

    const removed = await admin.delete(`/api/v1/admin/instances/${id}`);
    expect(removed.status).toBe(204);
    await expect.poll(async () => (await owner.get(`/api/v1/instances/${id}`)).status, { timeout: 60_000 }).toBe(404);
    expect((await api.platform.adminAudit.list({ targetId: id })).map((row) => row.action)).toEqual([
      'instance.delete',
      'instance.redeploy',
      'instance.restart',
      'instance.resume',
      'instance.pause',
    ]);
  });
});

describe('users and instances for operators (billing enforced, guests, no worker)', () => {
  let api: TestApi;
  let admin: TestClient;
  let adminId = '';
  let ana: TestClient;
  let anaId = '';
  let guest: TestClient;
  let guestInstance = '';
  const db = () => api.platform.database.db;

  beforeAll(async () => {
    api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_SUPERADMINS: SUPERADMIN } });
    ({ client: admin, id: adminId } = await signUp(api, SUPERADMIN, 'Chefe'));
    ({ client: ana, id: anaId } = await signUp(api, 'ana.souza@example.com', 'Ana Souza'));
    await signUp(api, 'bruno@example.com', 'Bruno Lima');
    await signUp(api, 'carla_x@example.com', 'Carla 100%');
    guest = new TestClient(api.url);
    expect((await guest.post('/api/v1/guest')).status).toBe(201);
    const created = await guest.post('/api/v1/instances', { name: 'do-visitante', repoUrl: 'https://github.com/zapdeploy/exemplo' });
    expect(created.status, created.text).toBe(201);
    guestInstance = created.body.id as string;
  });
  afterAll(async () => {
    await api?.close();
  });

  it('searches users by part of the e-mail or name (any case) or exact id, newest first, a page at a time', async () => {
    const byName = await admin.get('/api/v1/admin/users?q=souza');
    expect(byName.status).toBe(200);
    expect(byName.body.items).toEqual([
      {
        id: anaId,
        email: 'ana.souza@example.com',
        name: 'Ana Souza',
        isGuest: false,
        suspended: false,
        instanceCount: 0,
        createdAt: expect.any(String),
        lastActiveAt: expect.any(String),
      },
    ]);
    expect(((await admin.get('/api/v1/admin/users?q=BRUNO@EXA')).body.items as { name: string }[]).map((u) => u.name)).toEqual(['Bruno Lima']);
    expect(((await admin.get(`/api/v1/admin/users?q=${anaId}`)).body.items as { id: string }[]).map((u) => u.id)).toEqual([anaId]);
    // % and _ are searched for, not wildcards ("_x" as a pattern would match every "@example").
    const names = async (q: string) =>
      ((await admin.get(`/api/v1/admin/users?q=${encodeURIComponent(q)}`)).body.items as { name: string }[]).map((u) => u.name);
    expect(await names('_x')).toEqual(['Carla 100%']);
    expect(await names('0%')).toEqual(['Carla 100%']);
    expect(await names('%')).toEqual(['Carla 100%']);
    expect((await admin.get('/api/v1/admin/users?q=ninguem-assim')).body.items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin.get(`/api/v1/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect((page.body.items as unknown[]).length).toBeLessThanOrEqual(2);
      seen.push(...(page.body.items as { id: string }[]).map((u) => u.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(5); // four accounts and the guest (before the moderator below)
    expect(new Set(seen).size).toBe(5);
    expect(seen[0]).not.toBe(adminId); // newest first: the guest came last

    const badCursor = await admin.get('/api/v1/admin/users?cursor=nope');
    expect(badCursor.status).toBe(422);
    expect(badCursor.body.code).toBe('invalid_cursor');
    expect((await admin.get('/api/v1/admin/users?limit=201')).status).toBe(422);
  });

  it('shows a user in detail: instances, sign-in methods, guest or not; unknown ids are 404 problem+json', async () => {
    const guestOwner = ((await admin.get('/api/v1/admin/instances?guest=true')).body.items as { ownerId: string }[])[0]?.ownerId ?? '';
    const detail = await admin.get(`/api/v1/admin/users/${guestOwner}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ isGuest: true, signInMethods: ['guest'], instanceCount: 1, maxInstances: null, payments: [] });
    expect((detail.body.instances as { id: string }[]).map((i) => i.id)).toEqual([guestInstance]);
    expect((await admin.get(`/api/v1/admin/users/${anaId}`)).body.signInMethods).toEqual(['password']);
    // Last seen: each authenticated request is noted, to the hour.
    const longAgo = new Date(Date.now() - 3 * 3_600_000);
    await db().update(tables.users).set({ lastActiveAt: longAgo }).where(eq(tables.users.id, anaId));
    expect((await admin.get(`/api/v1/admin/users/${anaId}`)).body.lastActiveAt).toBe(longAgo.toISOString());
    expect((await ana.get('/api/v1/me')).status).toBe(200);
    expect(Date.parse((await admin.get(`/api/v1/admin/users/${anaId}`)).body.lastActiveAt as string)).toBeGreaterThan(Date.now() - 60_000);

    for (const [method, path, body] of [
      ['GET', '/api/v1/admin/users/usr_nope'],
      ['POST', '/api/v1/admin/users/usr_nope/suspend', { reason: 'motivo' }],
      ['POST', '/api/v1/admin/users/usr_nope/unsuspend'],
      ['PATCH', '/api/v1/admin/users/usr_nope', { maxInstances: 1 }],
    ] as const) {
      const answer = await admin.request(method, path, body, { 'accept-language': 'en' });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'user_not_found', detail: 'User not found.' });
    }
    const shortReason = await admin.post(`/api/v1/admin/users/${anaId}/suspend`, { reason: 'x' });
    expect(shortReason.status).toBe(422);
    expect(shortReason.body.code).toBe('validation_failed');
    expect((await admin.patch(`/api/v1/admin/users/${anaId}`, { maxInstances: -1 })).status).toBe(422);
    expect((await admin.get(`/api/v1/admin/users/${anaId}`)).body.suspended).toBe(false);
  });

  it('refuses to suspend oneself (409), and an administrator unless the caller is an owner (403)', async () => {
    const self = await admin.post(`/api/v1/admin/users/${adminId}/suspend`, { reason: 'engano' });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('cannot_suspend_self');
    const { client: moderator, id: moderatorId } = await signUp(api, 'moderadora@example.com', 'Moderadora');
    // The console's users area (its role; the shipped flags open the area to whoever holds it).
    await api.platform.roles.grant(moderatorId, 'area-users', null);
    const onOwner = await moderator.post(`/api/v1/admin/users/${adminId}/suspend`, { reason: 'golpe' });
    expect(onOwner.status).toBe(403);
    expect(onOwner.body.code).toBe('cannot_suspend_admin');
    expect((await admin.get(`/api/v1/admin/users/${adminId}`)).body.suspended).toBe(false);
    expect((await api.platform.adminAudit.list({ targetId: adminId, action: 'user.suspend' })).map((row) => [row.outcome, row.after])).toEqual([
      ['denied', { refused: 'cannot_suspend_admin', reason: 'golpe' }],
      ['denied', { refused: 'cannot_suspend_self', reason: 'engano' }],
    ]);
    // An owner may suspend an administrator; the moderator's session ends with it.
    expect((await admin.post(`/api/v1/admin/users/${moderatorId}/suspend`, { reason: 'abuso de acesso' })).status).toBe(200);
    expect((await moderator.get('/api/v1/admin/users')).status).toBe(401);
    expect((await admin.post(`/api/v1/admin/users/${moderatorId}/unsuspend`)).status).toBe(200);
    await api.platform.roles.revoke(moderatorId, 'area-users');
  });

  it('holds a user to the cap an operator sets on their instances, at creation; null lifts it', async () => {
    const capped = await admin.patch(`/api/v1/admin/users/${anaId}`, { maxInstances: 1 });
    expect(capped.status).toBe(200);
    expect(capped.body.maxInstances).toBe(1);
    expect((await ana.post('/api/v1/instances', { name: 'primeira', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' })).status).toBe(201);
    const refused = await ana.post('/api/v1/instances', { name: 'segunda', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'instance_limit', detail: expect.stringContaining('1 instância') });
    expect((await admin.patch(`/api/v1/admin/users/${anaId}`, { maxInstances: null })).body.maxInstances).toBeNull();
    expect((await ana.post('/api/v1/instances', { name: 'segunda', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' })).status).toBe(201);
    const audit = await api.platform.adminAudit.list({ targetId: anaId, action: 'user.update' });
    expect(audit.map((row) => row.after)).toEqual([{ maxInstances: null }, { maxInstances: 1 }]);
  });

  it('lists every instance whoever owns it, filtered by user, guest, status, plan, unpaid or text, a page at a time', async () => {
    const all = await admin.get('/api/v1/admin/instances');
    expect(all.status).toBe(200);
    const items = all.body.items as { id: string; ownerEmail: string | null; guest: boolean; planId: string }[];
    expect(items.length).toBe(3);
    const ids = (query: string) => admin.get(`/api/v1/admin/instances?${query}`).then((r) => (r.body.items as { id: string }[]).map((i) => i.id).sort());
    const anas = items.filter((i) => i.ownerEmail === 'ana.souza@example.com').map((i) => i.id);
    expect(await ids(`userId=${anaId}`)).toEqual([...anas].sort());
    expect(await ids('guest=true')).toEqual([guestInstance]);
    expect(await ids('guest=false')).toEqual([...anas].sort());
    expect(await ids('planId=plan_dev')).toEqual([guestInstance]);
    // Ana's production instances wait for their first payment.
    expect(await ids('unpaid=true')).toEqual([...anas].sort());
    expect(await ids('unpaid=false')).toEqual([guestInstance]);
    expect(await ids('status=paused')).toEqual([...anas].sort());
    expect(await ids('q=VISITANTE')).toEqual([guestInstance]);
    expect(await ids('q=ana.souza')).toEqual([...anas].sort());
    expect(await ids('status=deleted')).toEqual([]);
    const first = await admin.get('/api/v1/admin/instances?limit=2');
    expect((first.body.items as unknown[]).length).toBe(2);
    const second = await admin.get(`/api/v1/admin/instances?limit=2&cursor=${first.body.nextCursor as string}`);
    expect(second.body.nextCursor).toBeNull();
    expect([...(first.body.items as { id: string }[]), ...(second.body.items as { id: string }[])].map((i) => i.id)).toEqual(items.map((i) => i.id));
    expect((await admin.get('/api/v1/admin/instances?guest=maybe')).status).toBe(422);
    expect((await admin.get('/api/v1/admin/instances?status=sleeping')).status).toBe(422);

    const detail = await admin.get(`/api/v1/admin/instances/${guestInstance}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: guestInstance,
      guest: true,
      planId: 'plan_dev',
      planName: expect.any(String),
      repoUrl: 'https://github.com/zapdeploy/exemplo',
      billingState: null,
      deployments: [{ number: 1, trigger: 'create', status: 'queued' }],
    });
    const missing = await admin.get('/api/v1/admin/instances/ins_nope', { 'accept-language': 'es' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'instance_not_found', detail: 'Instancia no encontrada.' });
    expect((await admin.get('/api/v1/admin/instances/ins_nope/logs')).status).toBe(404);
    expect((await admin.post('/api/v1/admin/instances/ins_nope/pause')).status).toBe(404);
    expect((await admin.delete('/api/v1/admin/instances/ins_nope')).status).toBe(404);
  });

  it('acts on a guest’s instance like its owner would, and refuses what the lifecycle refuses', async () => {
    const paused = await admin.post(`/api/v1/admin/instances/${guestInstance}/pause`);
    expect(paused.status).toBe(202);
    expect(paused.body.instance).toMatchObject({ id: guestInstance, desiredState: 'paused', guest: true });
    expect((await guest.get(`/api/v1/instances/${guestInstance}`)).body.desiredState).toBe('paused');
    const notPaused = await admin.post(`/api/v1/admin/instances/${guestInstance}/resume`);
    expect(notPaused.status).toBe(202);
    const again = await admin.post(`/api/v1/admin/instances/${guestInstance}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('instance_not_paused');
    const audit = await api.platform.adminAudit.list({ targetId: guestInstance });
    expect(audit.map((row) => row.action)).toEqual(['instance.resume', 'instance.pause']);
    expect(audit[1]).toMatchObject({ actorId: adminId, before: { desiredState: 'running' }, after: { desiredState: 'paused' } });
  });

  it('grants a courtesy plan: billing active with method courtesy until the date, no payment, the held instance runs; audited', async () => {
    const [held] = (await admin.get(`/api/v1/admin/instances?userId=${anaId}&unpaid=true`)).body.items as { id: string; statusReason: string }[];
    expect(held?.statusReason).toBe('awaiting_payment');
    const id = held?.id ?? '';
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();

    for (const [body, status, code] of [
      [{ planId: 'plan_pro', until: new Date(Date.now() - 60_000).toISOString(), reason: 'parceria' }, 422, 'courtesy_until_invalid'],
      [{ planId: 'plan_pro', until: new Date(Date.now() + 400 * 86_400_000).toISOString(), reason: 'parceria' }, 422, 'courtesy_until_invalid'],
      [{ planId: 'plan_dev', until, reason: 'parceria' }, 422, 'plan_not_billable'],
      [{ planId: 'plan_nope', until, reason: 'parceria' }, 404, 'plan_not_found'],
      [{ planId: 'plan_pro', until: 'amanhã', reason: 'parceria' }, 422, 'validation_failed'],
      [{ planId: 'plan_pro', until }, 422, 'validation_failed'],
    ] as const) {
      const refused = await admin.post(`/api/v1/admin/instances/${id}/courtesy`, body);
      expect(refused.status, JSON.stringify(body)).toBe(status);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe(code);
    }
    expect((await admin.post('/api/v1/admin/instances/ins_nope/courtesy', { planId: 'plan_pro', until, reason: 'parceria' })).status).toBe(404);

    const granted = await admin.post(`/api/v1/admin/instances/${id}/courtesy`, { planId: 'plan_pro', until, reason: 'Parceria com a ONG' });
    expect(granted.status, granted.text).toBe(200);
    expect(granted.body).toMatchObject({
      id,
      planId: 'plan_pro',
      desiredState: 'running',
      statusReason: null,
      billingState: 'active',
      billingMethod: 'courtesy',
      paidUntil: until,
    });
    const [billing] = await db().select().from(tables.instanceBilling).where(eq(tables.instanceBilling.instanceId, id));
    expect(billing).toMatchObject({ state: 'active', method: 'courtesy', planId: 'plan_pro', paidUntil: new Date(until), ownerId: anaId });
    expect(await db().select().from(tables.payments).where(eq(tables.payments.instanceId, id))).toEqual([]);
    // The owner sees the courtesy as their billing, and the instance no longer as unpaid.
    const own = await ana.get(`/api/v1/instances/${id}/payments`);
    expect(own.body.billing).toMatchObject({ state: 'active', method: 'courtesy', planId: 'plan_pro', paidUntil: until });
    expect(((await admin.get(`/api/v1/admin/instances?userId=${anaId}&unpaid=false`)).body.items as { id: string }[]).map((i) => i.id)).toEqual([id]);

    const [audit] = await api.platform.adminAudit.list({ targetId: id, action: 'instance.courtesy' });
    expect(audit).toMatchObject({
      actorId: adminId,
      before: { planId: 'plan_bot', statusReason: 'awaiting_payment', billingState: null },
      after: { planId: 'plan_pro', billingState: 'active', billingMethod: 'courtesy', reason: 'Parceria com a ONG', until },
    });
  });
});

describe('a courtesy’s end (the payments service’s renewal and dunning)', () => {
  let mp: MercadoPagoStandIn;
  let api: TestApi;
  let now = Date.now();

  beforeAll(async () => {
    mp = await startMercadoPagoStandIn({ clock: () => new Date(now) });
    api = await startTestApi({
      mode: 'full',
      payments: { clock: () => new Date(now) },
      env: {
        ZAPDEPLOY_PUBLIC_SIGNUPS: 'true',
        ZAPDEPLOY_SUPERADMINS: SUPERADMIN,
        MERCADOPAGO_ACCESS_TOKEN: mp.accessToken,
        MERCADOPAGO_WEBHOOK_SECRET: mp.webhookSecret,
        MERCADOPAGO_API_URL: mp.url,
        ZAPDEPLOY_DUNNING_SECONDS: '3600',
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await mp?.close();
  });

  it('reminds before the date, gives grace at it, then pauses the instance as unpaid ("pagamento pendente")', async () => {
    const { client: admin } = await signUp(api, SUPERADMIN);
    const { client: owner } = await signUp(api, 'cortesia@example.com');
    const created = await owner.post('/api/v1/instances', { name: 'de-cortesia', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
    const id = created.body.id as string;
    const until = new Date(now + 10 * DAY);
    expect(
      (await admin.post(`/api/v1/admin/instances/${id}/courtesy`, { planId: 'plan_bot', until: until.toISOString(), reason: 'Teste grátis' })).status,
    ).toBe(200);
    const dunning = async () => ((await api.payments?.dunning.run()) ?? []).filter((step) => step.startsWith(id));
    const settle = async () => {
      await api.payments?.drainOutbox();
    };
    expect(await dunning()).toEqual([]);
    now = until.getTime() - DAY;
    expect(await dunning()).toEqual([`${id}:remind`]);
    now = until.getTime();
    expect(await dunning()).toEqual([`${id}:grace`]);
    now = until.getTime() + 4 * DAY;
    expect(await dunning()).toEqual([`${id}:suspend`]);
    await expect
      .poll(async () => {
        await settle();
        return (await owner.get(`/api/v1/instances/${id}`)).body.statusReason;
      })
      .toBe('payment_overdue');
    const [billing] = await api.platform.database.db.select().from(tables.instanceBilling).where(eq(tables.instanceBilling.instanceId, id));
    expect(billing).toMatchObject({ state: 'suspended', method: 'courtesy' });
  });
});
