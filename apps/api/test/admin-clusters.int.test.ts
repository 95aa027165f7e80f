import { routes as contract, type RouteDef } from '@zapdeploy/contracts';
import { DEFAULT_CLUSTER_NAME, tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { everyAdminFlagOn } from '@zapdeploy/test-support/support/flags';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { createTestDatabase } from '@zapdeploy/test-support/support/services';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The operators' cluster API through HTTP, on a real Postgres and this machine's Docker engine: who may call it, adding
 * a cluster (its credentials checked by connecting, sealed at rest, never answered), cordon/drain/cost, removal, moves.
 */

const SOCKET = 'unix:///var/run/docker.sock';
const SUPERADMIN = 'chefe@example.com';
const EARLY_SUPERADMIN = 'pioneira@example.com';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;
let owner: TestClient;
let viewer: TestClient;
let viewerId = '';
let plainUser: TestClient;
let plainUserId = '';
let counter = 0;

async function signUp(email: string, baseUrl = api.url): Promise<{ client: TestClient; id: string }> {
  const client = new TestClient(baseUrl);
  const response = await client.post('/api/auth/sign-up/email', { email, password: 'cavalo-bateria-grampo', name: email.split('@')[0] });
  expect(response.status).toBe(200);
  return { client, id: (response.body.user as { id: string }).id };
}

const db = () => api.platform.database.db;

async function newCluster(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await owner.post('/api/v1/admin/clusters', { name, kind: 'docker', region: 'sa-east-1', credentials: SOCKET, ...extra });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

/** An instance of a user (no worker runs here: it stays queued), placed where placement puts it, or on `clusterId`. */
async function newInstance(clusterId?: string): Promise<string> {
  counter += 1;
  const created = await plainUser.post('/api/v1/instances', { name: `bot-${counter}`, repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
  expect(created.status, created.text).toBe(201);
  const id = created.body.id as string;
  if (clusterId) await db().update(tables.instances).set({ clusterId }).where(eq(tables.instances.id, id));
  return id;
}

/** Test setup: what a cluster reports it can give (so that "full" needs no full machine). */
async function setAllocatable(clusterId: string, memoryMb: number, cpuMillis = 100_000): Promise<void> {
  await api.platform.clusters.recordProbe(clusterId, {
    capacity: { capacityMemoryMb: memoryMb, capacityCpuMillis: cpuMillis, allocatableMemoryMb: memoryMb, allocatableCpuMillis: cpuMillis, nodes: 1 },
  });
}

/** Leaves only these clusters taking instances. */
async function cordonAllBut(...keep: string[]): Promise<void> {
  for (const cluster of (await owner.get('/api/v1/admin/clusters')).body.items as { id: string; status: string }[]) {
    if (!keep.includes(cluster.id) && cluster.status === 'active')
      expect((await owner.patch(`/api/v1/admin/clusters/${cluster.id}`, { status: 'cordoned' })).status).toBe(200);
  }
}

async function instanceRow(id: string) {
  const [row] = await db().select().from(tables.instances).where(eq(tables.instances.id, id));
  return row;
}

beforeAll(async () => {
  database = await createTestDatabase();
  // A first platform on this database, where a superadmin's account exists before the next start lists them.
  const first = await startTestApi({ mode: 'full', databaseUrl: database.url });
  await signUp(EARLY_SUPERADMIN, first.url);
  await first.stop();
  // Every console flag on: here the roles' permissions decide (the flags' own narrowing: authorization-matrix).
  api = await startTestApi({
    mode: 'full',
    databaseUrl: database.url,
    env: { ZAPDEPLOY_SUPERADMINS: `${SUPERADMIN}, ${EARLY_SUPERADMIN}` },
    flags: everyAdminFlagOn(),
  });
  ({ client: owner } = await signUp(SUPERADMIN));
  ({ client: viewer, id: viewerId } = await signUp('olho@example.com'));
  ({ client: plainUser, id: plainUserId } = await signUp('comum@example.com'));
  await api.platform.roles.grant(viewerId, 'clusters-viewer', null);
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
});

describe('who may use the admin cluster API', () => {
  const routes: [string, string, unknown?][] = [
    ['GET', '/api/v1/admin/clusters'],
    ['POST', '/api/v1/admin/clusters', { name: 'x', kind: 'docker', region: 'r', credentials: SOCKET }],
    ['GET', '/api/v1/admin/clusters/clu_nope'],
    ['PATCH', '/api/v1/admin/clusters/clu_nope', { status: 'cordoned' }],
    ['DELETE', '/api/v1/admin/clusters/clu_nope'],
    ['POST', '/api/v1/admin/instances/ins_nope/move', { clusterId: 'clu_nope' }],
  ];

  it('refuses anonymous callers (401) and signed-in users without a role (403 forbidden, audited)', async () => {
    for (const [method, path, body] of routes) {
      const anonymous = await new TestClient(api.url).request(method, path, body);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
      const refused = await plainUser.request(method, path, body, { 'x-request-id': `req-${method}-${counter}` });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe('forbidden');
    }
    const denied = await api.platform.adminAudit.list({ actorId: plainUserId, action: 'admin.denied' });
    expect(denied).toHaveLength(routes.length);
    expect(denied.every((row) => row.outcome === 'denied' && row.requestId?.startsWith('req-'))).toBe(true);
  });

  it('gives ZAPDEPLOY_SUPERADMINS the owner role: accounts there at start, and accounts made later at their first sign-in', async () => {
    const [early] = await db().select().from(tables.users).where(eq(tables.users.email, EARLY_SUPERADMIN));
    expect(await api.platform.roles.rolesOf(early?.id ?? '')).toEqual(['owner']);
    const [late] = await db().select().from(tables.users).where(eq(tables.users.email, SUPERADMIN));
    expect(await api.platform.roles.rolesOf(late?.id ?? '')).toEqual(['owner']);
    const grants = await api.platform.adminAudit.list({ action: 'role.grant' });
    expect(grants.every((row) => row.actorId === null)).toBe(true);
    expect(grants.map((row) => row.targetId).sort()).toEqual([early?.id, late?.id].sort());
    expect((await owner.get('/api/v1/admin/clusters')).status).toBe(200);
  });

  it('lets a role with clusters.read only list and read, not change anything; a revoke applies to the next request', async () => {
    expect((await viewer.get('/api/v1/admin/clusters')).status).toBe(200);
    const local = ((await viewer.get('/api/v1/admin/clusters')).body.items as { id: string; name: string }[]).find((c) => c.name === DEFAULT_CLUSTER_NAME);
    expect((await viewer.get(`/api/v1/admin/clusters/${local?.id}`)).status).toBe(200);
    for (const [method, path, body] of routes.filter(([method]) => method !== 'GET')) {
      const refused = await viewer.request(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
    await api.platform.roles.revoke(viewerId, 'clusters-viewer');
    expect((await viewer.get('/api/v1/admin/clusters')).status).toBe(403);
    await api.platform.roles.grant(viewerId, 'clusters-viewer', null);
  });

  it('opens each admin route to a role holding exactly the permission its contract names, and to no other permission', async () => {
    const adminRoutes = (Object.values(contract) as RouteDef[]).filter((route) => route.auth === 'admin');
    const permissions = [...new Set(adminRoutes.map((route) => route.permission ?? ''))];
    const holders = new Map<string, TestClient>();
    for (const permission of permissions) {
      await api.platform.roles.upsertRole(`only-${permission}`, [permission]);
      const { client, id } = await signUp(`so-${permission.replace('.', '-')}@example.com`);
      await api.platform.roles.grant(id, `only-${permission}`, null);
      holders.set(permission, client);
    }
    for (const route of adminRoutes) {
      const path = route.path.replace('{id}', 'nope');
      for (const [permission, client] of holders) {
        const answer = await client.request(route.method.toUpperCase(), path, route.method === 'get' || route.method === 'delete' ? undefined : {});
        const refused = answer.status === 401 || answer.status === 403;
        expect(refused, `${route.method} ${route.path} with only ${permission}: ${answer.status}`).toBe(permission !== route.permission);
      }
    }
  });

  it('holds admin routes to token scopes too: a read token of the owner lists, cannot write', async () => {
    const minted = await owner.post('/api/v1/tokens', { name: 'ops', scope: 'read' });
    const token = owner.withToken(minted.body.token as string);
    expect((await token.get('/api/v1/admin/clusters')).status).toBe(200);
    expect((await token.post('/api/v1/admin/clusters', { name: 'y', kind: 'docker', region: 'r', credentials: SOCKET })).body.code).toBe(
      'token_scope_insufficient',
    );
  });
});

describe('clusters', () => {
  it('lists the platform’s own Docker engine as the cluster `local`, its capacity read from the engine', async () => {
    await expect
      .poll(async () => {
        const local = ((await owner.get('/api/v1/admin/clusters')).body.items as { name: string; allocatable: unknown }[]).find(
          (c) => c.name === DEFAULT_CLUSTER_NAME,
        );
        return local?.allocatable ?? null;
      })
      .not.toBeNull();
    const local = ((await owner.get('/api/v1/admin/clusters')).body.items as Record<string, unknown>[]).find((c) => c.name === DEFAULT_CLUSTER_NAME);
    expect(local).toMatchObject({ kind: 'docker', status: 'active', currency: 'BRL', lastError: null });
    expect((local?.capacity as { memoryMb: number } | undefined)?.memoryMb).toBeGreaterThan(256);
  });

  it('adds a Docker cluster after connecting to it; its credentials are sealed in the database and never answered', async () => {
    const created = await owner.post('/api/v1/admin/clusters', {
      name: 'docker-sp',
      kind: 'docker',
      region: 'sa-east-1',
      credentials: SOCKET,
      registry: 'registry.example.com:5000/zapdeploy',
      monthlyCostCents: 12_345,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      name: 'docker-sp',
      kind: 'docker',
      region: 'sa-east-1',
      status: 'active',
      registry: 'registry.example.com:5000/zapdeploy',
      storageClass: null,
      monthlyCostCents: 12_345,
      requested: { memoryMb: 0, cpuMillis: 0 },
      instanceCount: 0,
      lastError: null,
    });
    const capacity = created.body.capacity as { memoryMb: number; cpuMillis: number };
    expect(capacity.memoryMb).toBeGreaterThan(256);
    expect(capacity.cpuMillis % 1000).toBe(0);
    const id = created.body.id as string;
    for (const answer of [created, await owner.get('/api/v1/admin/clusters'), await owner.get(`/api/v1/admin/clusters/${id}`)]) {
      expect(answer.text).not.toContain('docker.sock');
      expect(answer.text).not.toContain('credentials');
    }
    const [row] = await db().select().from(tables.clusters).where(eq(tables.clusters.id, id));
    expect(row?.credentialsEncrypted).toMatch(/^v1\./);
    expect(row?.credentialsEncrypted).not.toContain('docker.sock');
    expect(await api.platform.clusters.credentials(id)).toBe(SOCKET);
    const [audit] = await api.platform.adminAudit.list({ action: 'cluster.create', targetId: id });
    expect(audit?.after).toMatchObject({ name: 'docker-sp', monthlyCostCents: 12_345 });
    expect(JSON.stringify(audit)).not.toContain('docker.sock');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a socket that is not there', { kind: 'docker', credentials: 'unix:///nao/existe/docker.sock' }, 'socket_not_found', '/nao/existe/docker.sock'],
    ['a port nothing listens on', { kind: 'docker', credentials: 'tcp://127.0.0.1:1' }, 'connection_refused', '127.0.0.1:1'],
    ['an address that is not Docker’s', { kind: 'docker', credentials: 'docker.sock' }, 'invalid_endpoint', 'unix:///var/run/docker.sock'],
    [
      'a kubeconfig that would run a command',
      {
        kind: 'kubernetes',
        credentials: `apiVersion: v1
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443" } }]
users: [{ name: u, user: { exec: { command: /bin/sh, args: ["-c", "echo s3cr3t-token"], apiVersion: client.authentication.k8s.io/v1 } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
      },
      'kubeconfig_not_allowed',
      'user.exec',
    ],
    [
      'a kubeconfig whose server does not answer',
      {
        kind: 'kubernetes',
        credentials: `apiVersion: v1
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: s3cr3t-token } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
      },
      'connection_refused',
      '127.0.0.1:1',
    ],
  ])('refuses %s with 422 cluster_unreachable, saving nothing', async (_, body, reason, shown) => {
    const before = await db().select({ id: tables.clusters.id }).from(tables.clusters);
    const name = `bad-${reason.replaceAll('_', '-')}`;
    const refused = await owner.request('POST', '/api/v1/admin/clusters', { name, region: 'r', ...body }, { 'accept-language': 'en' });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.code).toBe('cluster_unreachable');
    expect(refused.body.detail).toContain(shown);
    expect(refused.text).not.toContain('s3cr3t');
    expect(await db().select({ id: tables.clusters.id }).from(tables.clusters)).toHaveLength(before.length);
  });

  it('refuses a second cluster with a name in use (409), before connecting', async () => {
    await newCluster('nome-unico');
    const again = await owner.post('/api/v1/admin/clusters', { name: 'nome-unico', kind: 'docker', region: 'r', credentials: 'tcp://127.0.0.1:1' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('cluster_name_taken');
  });

  it('cordons, uncordons, and changes cost and region, each change audited with before and after', async () => {
    const id = await newCluster('mutavel');
    const cordoned = await owner.patch(`/api/v1/admin/clusters/${id}`, { status: 'cordoned' });
    expect(cordoned.status).toBe(200);
    expect(cordoned.body.status).toBe('cordoned');
    const changed = await owner.patch(`/api/v1/admin/clusters/${id}`, { status: 'active', monthlyCostCents: 99_900, region: 'us-east-1' });
    expect(changed.body).toMatchObject({ status: 'active', monthlyCostCents: 99_900, region: 'us-east-1' });
    const rotated = await owner.patch(`/api/v1/admin/clusters/${id}`, { credentials: 'unix:///var/run/docker.sock' });
    expect(rotated.status).toBe(200);
    expect((await owner.patch(`/api/v1/admin/clusters/${id}`, { credentials: 'tcp://127.0.0.1:1' })).body.code).toBe('cluster_unreachable');
    const audits = (await api.platform.adminAudit.list({ action: 'cluster.update', targetId: id })).reverse();
    expect(audits.map((row) => [(row.before as { status: string }).status, (row.after as { status: string }).status])).toEqual([
      ['active', 'cordoned'],
      ['cordoned', 'active'],
      ['active', 'active'],
    ]);
    expect(audits[1]?.after).toMatchObject({ monthlyCostCents: 99_900, region: 'us-east-1' });
    expect(audits[2]?.after).toMatchObject({ reconnected: true });
    expect(JSON.stringify(audits)).not.toContain('docker.sock');
    expect(audits.every((row) => row.actorId !== null && row.requestId)).toBe(true);
  });

  it('refuses to remove a cluster while an instance is placed there (409), and removes it once empty', async () => {
    const id = await newCluster('removivel');
    const instanceId = await newInstance(id);
    const refused = await owner.delete(`/api/v1/admin/clusters/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('cluster_not_empty');
    // Deleted instances do not hold a cluster.
    await db().update(tables.instances).set({ deletedAt: new Date(), desiredState: 'deleted' }).where(eq(tables.instances.id, instanceId));
    expect((await owner.delete(`/api/v1/admin/clusters/${id}`)).status).toBe(204);
    expect((await owner.get(`/api/v1/admin/clusters/${id}`)).status).toBe(404);
    expect((await instanceRow(instanceId))?.clusterId).toBeNull();
    expect(await api.platform.adminAudit.list({ action: 'cluster.delete', targetId: id })).toHaveLength(1);
  });
});

describe('moving instances', () => {
  let source = '';
  let roomy = '';
  let cordoned = '';
  let small = '';

  beforeAll(async () => {
    source = await newCluster('origem');
    roomy = await newCluster('destino');
    cordoned = await newCluster('fechado');
    small = await newCluster('pequeno');
    expect((await owner.patch(`/api/v1/admin/clusters/${cordoned}`, { status: 'cordoned' })).status).toBe(200);
    await setAllocatable(small, 300);
  });

  it('validates a move: unknown instance or cluster 404, same or inactive cluster 409, no room 422', async () => {
    const instanceId = await newInstance(source);
    const cases: [string, string, number, string][] = [
      ['ins_nope', roomy, 404, 'instance_not_found'],
      [instanceId, 'clu_nope', 404, 'cluster_not_found'],
      [instanceId, source, 409, 'same_cluster'],
      [instanceId, cordoned, 409, 'cluster_not_active'],
    ];
    await newInstance(small);
    cases.push([instanceId, small, 422, 'no_capacity']);
    for (const [id, clusterId, status, code] of cases) {
      const answer = await owner.post(`/api/v1/admin/instances/${id}/move`, { clusterId });
      expect([answer.status, answer.body.code], `${id} → ${clusterId}`).toEqual([status, code]);
    }
    expect((await instanceRow(instanceId))?.targetClusterId).toBeNull();
  });

  it('records the wanted cluster, bumps the generation and nudges the workers through the outbox (202)', async () => {
    const instanceId = await newInstance(source);
    const before = await instanceRow(instanceId);
    const moved = await owner.post(`/api/v1/admin/instances/${instanceId}/move`, { clusterId: roomy });
    expect(moved.status, moved.text).toBe(202);
    expect(moved.body.instance).toEqual({ id: instanceId, clusterId: source, targetClusterId: roomy, generation: (before?.generation ?? 0) + 1 });
    const after = await instanceRow(instanceId);
    expect(after).toMatchObject({ clusterId: source, targetClusterId: roomy, generation: (before?.generation ?? 0) + 1 });
    const nudges = await db().select().from(tables.outbox).where(eq(tables.outbox.name, 'instance.reconcile'));
    expect(nudges.map((row) => row.payload)).toContainEqual({ instanceId, generation: after?.generation, reason: 'move' });
    // The target counts the moving instance's plan already.
    const target = await owner.get(`/api/v1/admin/clusters/${roomy}`);
    expect(target.body.requested).toEqual({ memoryMb: 256, cpuMillis: 250 });
    const [audit] = await api.platform.adminAudit.list({ action: 'instance.move', targetId: instanceId });
    expect(audit).toMatchObject({ before: { clusterId: source, targetClusterId: null }, after: { targetClusterId: roomy } });
  });

  it('drains a cluster: every instance gets a target where there is room; those without room stay and are reported', async () => {
    const drained = await newCluster('drenado');
    const tight = await newCluster('apertado');
    await cordonAllBut(drained, tight);
    // Room for two bot plans (256 MB each) and no more, everywhere else cordoned.
    await setAllocatable(tight, 600);
    const instances = [await newInstance(drained), await newInstance(drained), await newInstance(drained)];
    const answer = await owner.patch(`/api/v1/admin/clusters/${drained}`, { status: 'draining' });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.status).toBe('draining');
    const drain = answer.body.drain as { moves: { instanceId: string; targetClusterId: string }[]; stuck: string[] };
    expect(drain.moves).toHaveLength(2);
    expect(drain.moves.every((move) => move.targetClusterId === tight)).toBe(true);
    expect(drain.stuck).toHaveLength(1);
    expect([...drain.moves.map((move) => move.instanceId), ...drain.stuck].sort()).toEqual([...instances].sort());
    for (const move of drain.moves) expect((await instanceRow(move.instanceId))?.targetClusterId).toBe(tight);
    expect((await instanceRow(drain.stuck[0] ?? ''))?.targetClusterId).toBeNull();
    const nudged = await db()
      .select()
      .from(tables.outbox)
      .where(and(eq(tables.outbox.name, 'instance.reconcile')));
    for (const move of drain.moves) expect(nudged.map((row) => (row.payload as { instanceId: string }).instanceId)).toContain(move.instanceId);
    // A draining cluster takes no moves.
    expect((await owner.post(`/api/v1/admin/instances/${drain.stuck[0]}/move`, { clusterId: drained })).body.code).toBe('same_cluster');
    const elsewhere = await newInstance(tight);
    expect((await owner.post(`/api/v1/admin/instances/${elsewhere}/move`, { clusterId: drained })).body.code).toBe('cluster_not_active');
  });

  it('places a new instance (what the worker calls) on the best fit, never on a cordoned cluster', async () => {
    const fits = await newCluster('encaixe');
    await setAllocatable(fits, 256);
    await cordonAllBut(fits);
    const instanceId = await newInstance();
    expect((await instanceRow(instanceId))?.clusterId).toBeNull();
    expect(await api.platform.clusters.place(instanceId)).toEqual({ clusterId: fits });
    expect((await instanceRow(instanceId))?.clusterId).toBe(fits);
    // Full now: nothing has room for the next one.
    expect(await api.platform.clusters.place(await newInstance())).toBeNull();
  });
});

describe('on embedded PGlite (one connection), with bots run as local processes', () => {
  let embedded: TestApi;
  beforeAll(async () => {
    embedded = await startTestApi({ mode: 'embedded', env: { ZAPDEPLOY_RUNTIME: 'process', ZAPDEPLOY_SUPERADMINS: SUPERADMIN } });
  });
  afterAll(async () => {
    await embedded?.close();
  });

  it('lists this machine as the `local` cluster, adds one, drains it and moves an instance', async () => {
    const { client: admin } = await signUp(SUPERADMIN, embedded.url);
    await expect
      .poll(async () => ((await admin.get('/api/v1/admin/clusters')).body.items as { name: string; kind: string; allocatable: unknown }[])[0])
      .toMatchObject({ name: DEFAULT_CLUSTER_NAME, kind: 'process', allocatable: { memoryMb: expect.any(Number) } });
    const created = await admin.post('/api/v1/admin/clusters', { name: 'docker-2', kind: 'docker', region: 'r', credentials: SOCKET });
    expect(created.status, created.text).toBe(201);
    const local = ((await admin.get('/api/v1/admin/clusters')).body.items as { id: string; name: string }[]).find((c) => c.name === DEFAULT_CLUSTER_NAME);
    const bot = await admin.post('/api/v1/instances', { name: 'bot', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
    expect(bot.status, bot.text).toBe(201);
    expect(await embedded.platform.clusters.place(bot.body.id as string)).not.toBeNull();
    const placedOn = (await embedded.platform.clusters.placedInstance(bot.body.id as string))?.clusterId;
    const other = placedOn === local?.id ? (created.body.id as string) : (local?.id ?? '');
    expect((await admin.post(`/api/v1/admin/instances/${bot.body.id}/move`, { clusterId: other })).status).toBe(202);
    const drained = await admin.patch(`/api/v1/admin/clusters/${other}`, { status: 'draining' });
    expect(drained.status, drained.text).toBe(200);
    expect((await admin.delete(`/api/v1/admin/clusters/${other}`)).body.code).toBe('cluster_not_empty');
  });
});
