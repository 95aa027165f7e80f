import { tables } from '@zapdeploy/db';
import { ADMIN_AREA_NAMES, PERMISSIONS } from '@zapdeploy/domain';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { adminFlags } from '@zapdeploy/test-support/support/flags';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The console's access area through HTTP on a real Postgres: the caller's areas (roles narrowed by flags, here from
 * OpenFeature's InMemoryProvider), who administers what (set areas, revoke, the last owner kept), and the audit log.
 */

const OWNER = 'dona@example.com';
const PARTNER = 'socia@example.com';
/** Holds the roles of the areas `users` and `admins`, but the flag `admin.admins` is off for her. */
const NARROWED = 'estreita@example.com';

type Person = { client: TestClient; id: string };

let api: TestApi;
let owner: Person;
let partner: Person;
let narrowed: Person;
let finance: Person;
let admins: Person;
let plain: Person;
let counter = 0;

async function signUp(email: string): Promise<Person> {
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', { email, password: 'cavalo-bateria-grampo', name: email.split('@')[0] });
  expect(response.status, response.text).toBe(200);
  return { client, id: (response.body.user as { id: string }).id };
}

const requestId = () => {
  counter += 1;
  return { 'x-request-id': `req-access-${counter}` };
};

beforeAll(async () => {
  api = await startTestApi({
    mode: 'full',
    env: { ZAPDEPLOY_SUPERADMINS: `${OWNER},${PARTNER}`, ZAPDEPLOY_GUESTS: 'true' },
    // Flags narrow: off for one person in one area, on for everyone else (the roles decide).
    flags: adminFlags((area, context) => !(area === 'admins' && context.email === NARROWED)),
  });
  owner = await signUp(OWNER);
  partner = await signUp(PARTNER);
  narrowed = await signUp(NARROWED);
  finance = await signUp('financas@example.com');
  admins = await signUp('gente@example.com');
  plain = await signUp('comum@example.com');
  await api.platform.roles.grant(narrowed.id, 'area-users', null);
  await api.platform.roles.grant(narrowed.id, 'area-admins', null);
  await api.platform.roles.grant(finance.id, 'area-finance', null);
  await api.platform.roles.grant(admins.id, 'area-admins', null);
});
afterAll(async () => {
  await api?.close();
});

describe('GET /api/v1/admin/me', () => {
  it('answers anonymous callers 401 and users without an area 403 forbidden (audited)', async () => {
    expect((await new TestClient(api.url).get('/api/v1/admin/me')).status).toBe(401);
    const refused = await plain.client.get('/api/v1/admin/me', requestId());
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('forbidden');
    const denied = await api.platform.adminAudit.list({ actorId: plain.id, action: 'admin.denied' });
    expect(denied[0]).toMatchObject({ outcome: 'denied', targetType: 'route', targetId: 'GET /api/v1/admin/me', requestId: `req-access-${counter}` });
  });

  it('gives an owner every area and permission', async () => {
    const me = await owner.client.get('/api/v1/admin/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ userId: owner.id, email: OWNER, areas: [...ADMIN_AREA_NAMES], permissions: [...PERMISSIONS], owner: true });
  });

  it('gives an area’s administrator that area and its permissions only', async () => {
    const me = await finance.client.get('/api/v1/admin/me');
    expect(me.body).toEqual({ userId: finance.id, email: 'financas@example.com', areas: ['finance'], permissions: ['finance.read'], owner: false });
  });

  it('leaves out an area whose role is held but whose flag is off, and refuses its routes (403, audited with the flag)', async () => {
    const me = await narrowed.client.get('/api/v1/admin/me');
    expect(me.body).toMatchObject({ areas: ['users'], permissions: ['users.read', 'users.suspend'], owner: false });
    for (const [method, path, body] of [
      ['GET', '/api/v1/admin/admins'],
      ['GET', '/api/v1/admin/audit'],
      ['PUT', `/api/v1/admin/admins/${plain.id}`, { areas: ['finance'] }],
      ['DELETE', `/api/v1/admin/admins/${finance.id}`],
    ] as const) {
      const refused = await narrowed.client.request(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
    const denied = await api.platform.adminAudit.list({ actorId: narrowed.id, action: 'admin.denied' });
    expect(denied).toHaveLength(4);
    expect(denied.every((row) => (row.after as { flagOff?: string }).flagOff === 'admin.admins')).toBe(true);
    expect(await api.platform.roles.rolesOf(finance.id)).toEqual(['area-finance']);
  });
});

describe('administrators', () => {
  it('lists everyone holding a role, with their areas (an owner has every area)', async () => {
    const listed = await admins.client.get('/api/v1/admin/admins');
    expect(listed.status).toBe(200);
    const items = listed.body.items as { userId: string; email: string; name: string; areas: string[]; owner: boolean; grantedAt: string }[];
    expect(items.map((item) => item.email)).toEqual([OWNER, NARROWED, 'financas@example.com', 'gente@example.com', PARTNER]);
    expect(items.find((item) => item.userId === owner.id)).toMatchObject({ name: 'dona', areas: [...ADMIN_AREA_NAMES], owner: true });
    expect(items.find((item) => item.userId === narrowed.id)).toMatchObject({ areas: ['users', 'admins'], owner: false });
    for (const item of items) expect(Number.isNaN(Date.parse(item.grantedAt))).toBe(false);
    expect((await finance.client.get('/api/v1/admin/admins')).status).toBe(403);
  });

  it('gives an account exactly the areas asked for, each change audited in its transaction; the next request sees it', async () => {
    const target = await signUp('nova@example.com');
    expect((await target.client.get('/api/v1/admin/me')).status).toBe(403);
    const granted = await admins.client.request('PUT', `/api/v1/admin/admins/${target.id}`, { areas: ['finance', 'plans'] }, requestId());
    expect(granted.status, granted.text).toBe(200);
    expect(granted.body).toMatchObject({ userId: target.id, email: 'nova@example.com', name: 'nova', areas: ['plans', 'finance'], owner: false });
    expect((await target.client.get('/api/v1/admin/me')).body).toMatchObject({ areas: ['plans', 'finance'] });
    const [grant] = await api.platform.adminAudit.list({ action: 'admin.set_areas', targetId: target.id });
    expect(grant).toMatchObject({
      actorId: admins.id,
      outcome: 'ok',
      targetType: 'user',
      before: { areas: [], owner: false, roles: [] },
      after: { areas: ['plans', 'finance'], owner: false, roles: ['area-finance', 'area-plans'] },
      requestId: `req-access-${counter}`,
    });

    const narrowedTo = await admins.client.request('PUT', `/api/v1/admin/admins/${target.id}`, { areas: ['finance'] });
    expect(narrowedTo.body).toMatchObject({ areas: ['finance'] });
    expect(await api.platform.roles.rolesOf(target.id)).toEqual(['area-finance']);
    expect((await target.client.get('/api/v1/admin/me')).body).toMatchObject({ areas: ['finance'] });

    const none = await admins.client.request('PUT', `/api/v1/admin/admins/${target.id}`, { areas: [] });
    expect(none.body).toMatchObject({ areas: [], owner: false, grantedAt: null });
    expect((await target.client.get('/api/v1/admin/me')).status).toBe(403);
    expect(await api.platform.adminAudit.list({ action: 'admin.set_areas', targetId: target.id })).toHaveLength(3);
  });

  it('never touches `owner` when setting areas', async () => {
    const set = await admins.client.request('PUT', `/api/v1/admin/admins/${partner.id}`, { areas: ['finance'] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ owner: true, areas: [...ADMIN_AREA_NAMES] });
    expect(await api.platform.roles.rolesOf(partner.id)).toEqual(['area-finance', 'owner']);
  });

  it('refuses one’s own areas (409), unknown accounts (404), guests (422) and unknown areas (422), changing nothing', async () => {
    const self = await admins.client.request('PUT', `/api/v1/admin/admins/${admins.id}`, { areas: ['finance', 'admins'] });
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('cannot_change_self');
    expect(self.body.detail).toBe('Você não pode mudar as suas próprias áreas: peça a outro administrador.');
    expect(await api.platform.roles.rolesOf(admins.id)).toEqual(['area-admins']);

    const unknown = await admins.client.request('PUT', '/api/v1/admin/admins/usr_nope', { areas: ['finance'] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('user_not_found');

    const guest = new TestClient(api.url);
    const started = await guest.post('/api/v1/guest');
    expect(started.status).toBe(201);
    const guestId = (started.body.user as { id: string }).id;
    const refusedGuest = await admins.client.request('PUT', `/api/v1/admin/admins/${guestId}`, { areas: ['finance'] });
    expect(refusedGuest.status).toBe(422);
    expect(refusedGuest.body.code).toBe('guest_cannot_be_admin');
    expect(await api.platform.roles.rolesOf(guestId)).toEqual([]);

    const invalid = await admins.client.request('PUT', `/api/v1/admin/admins/${plain.id}`, { areas: ['everything'] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('validation_failed');
    expect(await api.platform.roles.rolesOf(plain.id)).toEqual([]);
  });

  it('revokes every role; `owner` only when an owner asks, never the last one', async () => {
    // Not an owner: the partner's area roles go, `owner` stays.
    expect((await admins.client.delete(`/api/v1/admin/admins/${partner.id}`)).status).toBe(204);
    expect(await api.platform.roles.rolesOf(partner.id)).toEqual(['owner']);
    // An owner: `owner` goes too.
    expect((await owner.client.delete(`/api/v1/admin/admins/${partner.id}`)).status).toBe(204);
    expect(await api.platform.roles.rolesOf(partner.id)).toEqual([]);
    expect((await partner.client.get('/api/v1/admin/me')).status).toBe(403);
    const revokes = await api.platform.adminAudit.list({ action: 'admin.revoke', targetId: partner.id });
    expect(revokes.map((row) => [row.actorId, (row.before as { roles: string[] }).roles, (row.after as { roles: string[] }).roles])).toEqual([
      [owner.id, ['owner'], []],
      [admins.id, ['area-finance', 'owner'], ['owner']],
    ]);

    // The last owner stays, with everything else she holds.
    await api.platform.roles.grant(owner.id, 'area-finance', null);
    const last = await owner.client.delete(`/api/v1/admin/admins/${owner.id}`);
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last_owner');
    expect(await api.platform.roles.rolesOf(owner.id)).toEqual(['area-finance', 'owner']);
    expect(await api.platform.adminAudit.list({ action: 'admin.revoke', targetId: owner.id })).toEqual([]);

    expect((await owner.client.delete('/api/v1/admin/admins/usr_nope')).status).toBe(404);
  });
});

describe('GET /api/v1/admin/audit', () => {
  type Entry = {
    id: string;
    actorId: string | null;
    actorEmail: string | null;
    action: string;
    outcome: string;
    targetType: string;
    targetId: string | null;
    before: unknown;
    after: unknown;
    createdAt: string;
  };
  const entries = async (query: string, client = admins.client) => {
    const page = await client.get(`/api/v1/admin/audit${query}`);
    expect(page.status, page.text).toBe(200);
    return { items: page.body.items as Entry[], nextCursor: page.body.nextCursor as string | null };
  };

  it('lists entries newest first with their actor’s e-mail; filters by actor, action, outcome, target and time', async () => {
    const { items } = await entries('?limit=200');
    const ids = items.map((item) => Number(item.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const grant = items.find((item) => item.action === 'admin.set_areas');
    expect(grant).toMatchObject({ actorId: admins.id, actorEmail: 'gente@example.com', outcome: 'ok', targetType: 'user' });
    // ZAPDEPLOY_SUPERADMINS: granted by the platform itself.
    expect(items.filter((item) => item.action === 'role.grant').every((item) => item.actorId === null && item.actorEmail === null)).toBe(true);

    const byActor = await entries(`?actorId=${narrowed.id}`);
    expect(byActor.items.length).toBeGreaterThan(0);
    expect(byActor.items.every((item) => item.actorId === narrowed.id && item.outcome === 'denied')).toBe(true);
    expect((await entries('?outcome=denied&action=admin.denied')).items.every((item) => item.outcome === 'denied')).toBe(true);
    expect((await entries(`?targetType=user&targetId=${partner.id}`)).items.map((item) => item.action)).toEqual([
      'admin.revoke',
      'admin.revoke',
      'admin.set_areas',
      'role.grant',
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await entries(`?from=${today}&to=${today}&limit=200`)).items).toHaveLength(items.length);
    expect((await entries(`?to=${today}T00:00:00Z`)).items).toEqual([]);
    expect((await entries('?from=2999-01-01')).items).toEqual([]);
  });

  it('pages with an opaque cursor, without gaps or repeats; a bad cursor is 422', async () => {
    const all = (await entries('?limit=200')).items.map((item) => item.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Entry[]; nextCursor: string | null } = await entries(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const bad = await admins.client.get('/api/v1/admin/audit?cursor=not-a-cursor');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('invalid_cursor');
    expect((await admins.client.get('/api/v1/admin/audit?limit=201')).status).toBe(422);
    expect((await admins.client.get('/api/v1/admin/audit?outcome=maybe')).status).toBe(422);
  });

  it('never shows a secret, even one a row holds', async () => {
    await api.platform.adminAudit.record({
      actorId: owner.id,
      action: 'test.secrets',
      targetType: 'cluster',
      targetId: 'clu_secret',
      before: { credentials: 'unix:///var/run/docker.sock', name: 'a' },
      after: { nested: { password: 'p4ss', apiToken: 't0k' }, name: 'b' },
    });
    // A row written around the repository (as by hand): redacted on the way out too.
    await api.platform.database.db.insert(tables.adminAudit).values({
      actorId: owner.id,
      action: 'test.raw',
      targetType: 'cluster',
      targetId: 'clu_raw',
      after: { kubeconfig: 'apiVersion: v1', privateKey: '-----BEGIN', region: 'sp' },
    });
    const written = (await entries('?targetType=cluster')).items;
    expect(written.find((item) => item.action === 'test.secrets')).toMatchObject({
      before: { credentials: '[redacted]', name: 'a' },
      after: { nested: { password: '[redacted]', apiToken: '[redacted]' }, name: 'b' },
    });
    expect(written.find((item) => item.action === 'test.raw')?.after).toEqual({ kubeconfig: '[redacted]', privateKey: '[redacted]', region: 'sp' });
    expect(JSON.stringify(written)).not.toMatch(/p4ss|t0k|docker\.sock|BEGIN|apiVersion/);
  });

  it('is for the admins area only', async () => {
    expect((await finance.client.get('/api/v1/admin/audit')).status).toBe(403);
    expect((await plain.client.get('/api/v1/admin/audit')).status).toBe(403);
    expect((await new TestClient(api.url).get('/api/v1/admin/audit')).status).toBe(401);
    expect((await owner.client.get('/api/v1/admin/audit')).status).toBe(200);
  });
});

describe('the API reference', () => {
  it('documents the access routes, each admin route with its permission and flag', async () => {
    const doc = await new TestClient(api.url).get('/api/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<string, Record<string, { description?: string; operationId?: string }>>;
    expect(paths['/api/v1/admin/me']?.get?.description).toContain('at least one console area');
    expect(paths['/api/v1/admin/admins']?.get?.operationId).toBe('adminListAdmins');
    expect(paths['/api/v1/admin/admins/{userId}']?.put?.description).toContain('`admins.manage` (a role) and the flag `admin.admins`');
    expect(paths['/api/v1/admin/admins/{userId}']?.delete?.operationId).toBe('adminRevokeAdmin');
    expect(paths['/api/v1/admin/audit']?.get?.description).toContain('`audit.read`');
    expect(paths['/api/v1/admin/clusters']?.get?.description).toContain('the flag `admin.clusters`');
  });
});

describe('owners at once', () => {
  it('keeps an owner when two owners revoke each other at the same moment', async () => {
    await api.platform.roles.grant(partner.id, 'owner', null);
    const answers = await Promise.all([owner.client.delete(`/api/v1/admin/admins/${partner.id}`), partner.client.delete(`/api/v1/admin/admins/${owner.id}`)]);
    expect(answers.every((answer) => answer.status === 204 || (answer.status === 409 && answer.body.code === 'last_owner'))).toBe(true);
    const stillOwners: string[] = [];
    for (const id of [owner.id, partner.id]) if ((await api.platform.roles.rolesOf(id)).includes('owner')) stillOwners.push(id);
    expect(stillOwners).toHaveLength(1);
  });
});
