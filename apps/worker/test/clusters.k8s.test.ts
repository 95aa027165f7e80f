import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_CLUSTER_NAME, tables } from '@zapdeploy/db';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { ensureCluster, explainedBy, type TestCluster } from '@zapdeploy/test-support/support/kubernetes';
import Docker from 'dockerode';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

/**
 * Many clusters end to end: this machine's Docker engine (the `local` cluster) and two real single-node Kubernetes
 * clusters built here (scripts/k8s), added through the operators' API. New instances go only where a cluster is
 * active and has room; a move keeps the WhatsApp session and never runs two copies; a drain moves everything off;
 * with no room anywhere the instance waits as `failed`/`no_capacity` and starts once a cluster opens.
 */

const OWNER = 'dona-mv@example.com';
const docker = new Docker();
let git: GitServer;
let api: TestApi;
let owner: TestClient;
let mvA: TestCluster;
let mvB: TestCluster;
const ids = { local: '', a: '', b: '' };
/** Instances that live across tests: `first` is placed on mv-a, `second` on Docker. */
const bots = { first: { id: '', session: '' }, second: { id: '', session: '' } };
const created: string[] = [];

beforeAll(async () => {
  [mvA, mvB] = await Promise.all([ensureCluster('mv-a'), ensureCluster('mv-b')]);
  await Promise.all([removeTenants(mvA), removeTenants(mvB)]);
  git = await new GitServer().start();
  api = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_SUPERADMINS: OWNER, ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' } });
  owner = new TestClient(api.url);
  expect((await owner.post('/api/auth/sign-up/email', { email: OWNER, password: 'cavalo-bateria-grampo', name: 'Dona' })).status).toBe(200);
  ids.local = (await clusterList()).find((c) => c.name === DEFAULT_CLUSTER_NAME)?.id ?? '';
  expect(ids.local).not.toBe('');
  for (const [key, cluster] of [
    ['a', mvA],
    ['b', mvB],
  ] as const) {
    const created = await owner.post('/api/v1/admin/clusters', { name: cluster.name, kind: 'kubernetes', region: 'loopback', credentials: cluster.kubeconfig });
    expect(created.status, created.text).toBe(201);
    ids[key] = created.body.id as string;
  }
}, 600_000);

afterAll(async () => {
  await api?.close();
  await git?.stop();
  // The harness removed every bot from the cluster it was on: nothing of them stays on Docker.
  for (const id of created) expect(await leftOnDocker(id)).toEqual({ containers: 0, volumes: 0 });
  for (const cluster of [mvA, mvB]) if (cluster) for (const id of created) expect(await runningOnKube(cluster, id)).toBe(false);
  // Their namespaces (and anything a failed run left) go too.
  await Promise.all([mvA && removeTenants(mvA), mvB && removeTenants(mvB)]);
}, 300_000);

type ClusterRow = { id: string; name: string; status: string; instanceCount: number };

async function clusterList(): Promise<ClusterRow[]> {
  const response = await owner.get('/api/v1/admin/clusters');
  expect(response.status, response.text).toBe(200);
  return response.body.items as ClusterRow[];
}

/** Sets each cluster's status (only those given). */
async function statuses(wanted: Partial<Record<keyof typeof ids, 'active' | 'cordoned' | 'draining'>>): Promise<void> {
  for (const [key, status] of Object.entries(wanted)) {
    const answer = await owner.patch(`/api/v1/admin/clusters/${ids[key as keyof typeof ids]}`, { status });
    expect(answer.status, answer.text).toBe(200);
  }
}

async function createBot(name: string): Promise<string> {
  const repoUrl = await git.commit(`${name}-${Date.now()}`, fixtures.sessionBot);
  const response = await owner.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot' });
  expect(response.status, response.text).toBe(201);
  created.push(response.body.id as string);
  return response.body.id as string;
}

async function clusterOf(instanceId: string): Promise<string | null> {
  const [row] = await api.platform.database.db
    .select({ clusterId: tables.instances.clusterId })
    .from(tables.instances)
    .where(eq(tables.instances.id, instanceId));
  return row?.clusterId ?? null;
}

async function logLines(instanceId: string): Promise<string[]> {
  return ((await owner.get(`/api/v1/instances/${instanceId}/logs?limit=2000`)).body.items as { line: string }[]).map((l) => l.line);
}

/** The bot's first session id (it prints `session <id> new`). */
async function newSession(instanceId: string): Promise<string> {
  const lines = await waitForLog(owner, `/api/v1/instances/${instanceId}/logs`, /^session \w+ new$/, 180_000);
  const session = lines.find((l) => / new$/.test(l.line))?.line.split(' ')[1] ?? '';
  expect(session).not.toBe('');
  return session;
}

// What each runtime has of an instance, read from the engines themselves (not from the platform).

const DOCKER_LABEL = (instanceId: string) => `zapdeploy.instance=${instanceId}`;

async function runningOnDocker(instanceId: string): Promise<boolean> {
  const containers = await docker.listContainers({ filters: { label: [DOCKER_LABEL(instanceId)], status: ['running'] } });
  return containers.length > 0;
}

async function leftOnDocker(instanceId: string): Promise<{ containers: number; volumes: number }> {
  const containers = await docker.listContainers({ all: true, filters: { label: [DOCKER_LABEL(instanceId)] } });
  const { Volumes } = await docker.listVolumes({ filters: { label: [DOCKER_LABEL(instanceId)] } });
  return { containers: containers.length, volumes: (Volumes ?? []).length };
}

type KubeObject = { kind: string; name: string };

/** Clients of a test cluster (the kubeconfig it printed). */
function kube(cluster: TestCluster): { core: CoreV1Api; apps: AppsV1Api } {
  const config = new KubeConfig();
  config.loadFromString(cluster.kubeconfig);
  return { core: config.makeApiClient(CoreV1Api), apps: config.makeApiClient(AppsV1Api) };
}

/** Deletes every tenant namespace (everything of any bot) on a test cluster, without waiting. */
async function removeTenants(cluster: TestCluster): Promise<void> {
  const { core } = kube(cluster);
  const namespaces = await core.listNamespace({ labelSelector: 'app.kubernetes.io/managed-by=zapdeploy' });
  for (const namespace of namespaces.items) await core.deleteNamespace({ name: namespace.metadata?.name ?? '' });
}

/** The instance's StatefulSet, pod, data claim and env Secret on a cluster, in every namespace. */
async function kubeObjects(cluster: TestCluster, instanceId: string): Promise<KubeObject[]> {
  const { core, apps } = kube(cluster);
  const labelSelector = `zapdeploy.io/instance=${instanceId}`;
  const [sets, pods, claims, secrets] = await Promise.all([
    apps.listStatefulSetForAllNamespaces({ labelSelector }),
    core.listPodForAllNamespaces({ labelSelector }),
    core.listPersistentVolumeClaimForAllNamespaces({ labelSelector }),
    core.listSecretForAllNamespaces({ labelSelector }),
  ]);
  return [
    ...sets.items.map((o) => ({ kind: 'StatefulSet', name: o.metadata?.name ?? '' })),
    ...pods.items.map((o) => ({ kind: 'Pod', name: o.metadata?.name ?? '' })),
    ...claims.items.map((o) => ({ kind: 'PersistentVolumeClaim', name: o.metadata?.name ?? '' })),
    ...secrets.items.map((o) => ({ kind: 'Secret', name: o.metadata?.name ?? '' })),
  ];
}

/** A pod of the instance with its container running (terminating ones included: their process may still run). */
async function runningOnKube(cluster: TestCluster, instanceId: string): Promise<boolean> {
  const pods = await kube(cluster).core.listPodForAllNamespaces({ labelSelector: `zapdeploy.io/instance=${instanceId}` });
  return pods.items.some((pod) => (pod.status?.containerStatuses ?? []).some((c) => c.state?.running !== undefined));
}

type Side = { readonly name: string; readonly running: () => Promise<boolean> };

const side = (key: keyof typeof ids, instanceId: string): Side => {
  if (key === 'local') return { name: 'local', running: () => runningOnDocker(instanceId) };
  const cluster = key === 'a' ? mvA : mvB;
  return { name: cluster.name, running: () => runningOnKube(cluster, instanceId) };
};

/**
 * Samples both sides until `done` settles: at no sample may both run the bot. Returns how many samples saw each side
 * running (so a test can tell the sampling really spanned the move).
 */
async function neverTwo(source: Side, target: Side, done: Promise<unknown>): Promise<{ samples: number; source: number; target: number }> {
  let finished = false;
  const settled = done.finally(() => {
    finished = true;
  });
  settled.catch(() => undefined); // its failure is reported by the `await settled` below
  const seen = { samples: 0, source: 0, target: 0, both: [] as number[] };
  while (!finished) {
    const [onSource, onTarget] = await Promise.all([source.running(), target.running()]);
    seen.samples += 1;
    if (onSource) seen.source += 1;
    if (onTarget) seen.target += 1;
    if (onSource && onTarget) seen.both.push(seen.samples);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await settled;
  expect(seen.both, `samples where both ${source.name} and ${target.name} ran it`).toEqual([]);
  return seen;
}

/** Moves an instance with the operators' API and follows it to `running` on the target with its session restored. */
async function moveKeepingSession(bot: { id: string; session: string }, from: keyof typeof ids, to: keyof typeof ids): Promise<void> {
  expect(await clusterOf(bot.id)).toBe(ids[from]);
  const restoredBefore = (await logLines(bot.id)).filter((l) => l === `session ${bot.session} restored`).length;
  const arrived = (async () => {
    const answer = await owner.post(`/api/v1/admin/instances/${bot.id}/move`, { clusterId: ids[to] });
    expect(answer.status, answer.text).toBe(202);
    await expect.poll(() => clusterOf(bot.id), { timeout: 180_000, interval: 300 }).toBe(ids[to]);
    await waitForInstance(owner, bot.id, (i) => i.status === 'running', 180_000);
    await expect
      .poll(async () => (await logLines(bot.id)).filter((l) => l === `session ${bot.session} restored`).length, { timeout: 120_000, interval: 500 })
      .toBe(restoredBefore + 1);
    await expect.poll(() => side(to, bot.id).running(), { timeout: 30_000 }).toBe(true);
  })();
  const seen = await neverTwo(side(from, bot.id), side(to, bot.id), arrived);
  // The sampling spanned the move: it saw the bot on the source first, and on the target at the end.
  expect(seen.source).toBeGreaterThan(0);
  expect(seen.target).toBeGreaterThan(0);
  // One session all along: never a new one after the first.
  expect((await logLines(bot.id)).filter((l) => / new$/.test(l))).toEqual([`session ${bot.session} new`]);
  await expectNothingLeft(bot.id, from);
  if (to !== 'local') await expectClaimOfPlan(to === 'a' ? mvA : mvB, bot.id);
}

/** The data claim on the cluster is the size of the instance's plan's disk (also when a move created it). */
async function expectClaimOfPlan(cluster: TestCluster, instanceId: string): Promise<void> {
  const [row] = await api.platform.database.db
    .select({ diskMb: tables.plans.diskMb })
    .from(tables.instances)
    .innerJoin(tables.plans, eq(tables.plans.id, tables.instances.planId))
    .where(eq(tables.instances.id, instanceId));
  const claims = await kube(cluster).core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: `zapdeploy.io/instance=${instanceId}` });
  // The API server writes quantities in its own unit (2048Mi comes back as 2Gi).
  const mebibytes = (quantity: string | undefined) => {
    const [, amount, unit] = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '') ?? [];
    return amount && unit ? Number(amount) * (unit === 'Gi' ? 1024 : 1) : quantity;
  };
  expect(claims.items.map((claim) => mebibytes(claim.spec?.resources?.requests?.storage))).toEqual([row?.diskMb]);
}

async function expectNothingLeft(instanceId: string, on: keyof typeof ids): Promise<void> {
  if (on === 'local') {
    await expect.poll(() => leftOnDocker(instanceId), { timeout: 60_000 }).toEqual({ containers: 0, volumes: 0 });
  } else {
    const cluster = on === 'a' ? mvA : mvB;
    await expect.poll(async () => (await kubeObjects(cluster, instanceId)).map((o) => `${o.kind}/${o.name}`), { timeout: 90_000 }).toEqual([]);
  }
}

/** A test whose failure says what both clusters and the platform's last log lines looked like. */
function explained(step: () => Promise<void>): () => Promise<void> {
  return () => explainedBy([mvA, mvB], step, () => api.logs.slice(-40).join('\n'));
}

describe('many clusters: Docker here and two Kubernetes clusters', () => {
  it(
    'places a new instance only on an active cluster: with Docker and mv-b cordoned it runs on mv-a',
    explained(async () => {
      await statuses({ local: 'cordoned', b: 'cordoned' });
      bots.first.id = await createBot('first');
      await waitForInstance(owner, bots.first.id, (i) => i.status === 'running', 240_000);
      bots.first.session = await newSession(bots.first.id);
      expect(await clusterOf(bots.first.id)).toBe(ids.a);
      expect(await runningOnKube(mvA, bots.first.id)).toBe(true);
      const objects = (await kubeObjects(mvA, bots.first.id)).map((o) => o.kind).sort();
      expect(objects).toEqual(['PersistentVolumeClaim', 'Pod', 'Secret', 'StatefulSet']);
      await expectClaimOfPlan(mvA, bots.first.id);
      // Nothing of it on the cordoned ones.
      expect(await leftOnDocker(bots.first.id)).toEqual({ containers: 0, volumes: 0 });
      expect(await kubeObjects(mvB, bots.first.id)).toEqual([]);
      const counts = Object.fromEntries((await clusterList()).map((c) => [c.name, c.instanceCount]));
      expect(counts).toEqual({ [DEFAULT_CLUSTER_NAME]: 0, 'mv-a': 1, 'mv-b': 0 });
    }),
    300_000,
  );

  it(
    'moves a bot from Docker to Kubernetes keeping its session, never two copies, nothing left on Docker',
    explained(async () => {
      await statuses({ local: 'active', a: 'cordoned' });
      bots.second.id = await createBot('second');
      await waitForInstance(owner, bots.second.id, (i) => i.status === 'running', 240_000);
      bots.second.session = await newSession(bots.second.id);
      expect(await clusterOf(bots.second.id)).toBe(ids.local);
      await statuses({ a: 'active' });
      await moveKeepingSession(bots.second, 'local', 'a');
    }),
    300_000,
  );

  it(
    'moves a bot from one Kubernetes cluster to another keeping its session, nothing left on the source',
    explained(async () => {
      await statuses({ b: 'active' });
      await moveKeepingSession(bots.first, 'a', 'b');
    }),
    300_000,
  );

  it(
    'moves a bot from Kubernetes to Docker keeping its session, nothing left on the cluster',
    explained(async () => {
      await moveKeepingSession(bots.first, 'b', 'local');
    }),
    300_000,
  );

  it(
    'drains a cluster: its instances move to the other active cluster and run there with their sessions',
    explained(async () => {
      // mv-a holds `second`; only Docker stays open.
      await statuses({ b: 'cordoned' });
      expect(await clusterOf(bots.second.id)).toBe(ids.a);
      const answer = await owner.patch(`/api/v1/admin/clusters/${ids.a}`, { status: 'draining' });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.drain).toEqual({ moves: [{ instanceId: bots.second.id, targetClusterId: ids.local }], stuck: [] });
      const restored = `session ${bots.second.session} restored`;
      const before = (await logLines(bots.second.id)).filter((l) => l === restored).length;
      const arrived = (async () => {
        await expect.poll(() => clusterOf(bots.second.id), { timeout: 180_000, interval: 300 }).toBe(ids.local);
        await waitForInstance(owner, bots.second.id, (i) => i.status === 'running', 180_000);
        await expect.poll(async () => (await logLines(bots.second.id)).filter((l) => l === restored).length, { timeout: 120_000 }).toBe(before + 1);
      })();
      await neverTwo(side('a', bots.second.id), side('local', bots.second.id), arrived);
      await expectNothingLeft(bots.second.id, 'a');
      const counts = Object.fromEntries((await clusterList()).map((c) => [c.name, c.instanceCount]));
      expect(counts).toEqual({ [DEFAULT_CLUSTER_NAME]: 2, 'mv-a': 0, 'mv-b': 0 });
    }),
    300_000,
  );

  it(
    'with every cluster closed a new instance fails with no_capacity (said in words), and runs once one opens',
    explained(async () => {
      await statuses({ local: 'cordoned', a: 'cordoned' });
      const id = await createBot('homeless');
      const failed = await waitForInstance(owner, id, (i) => i.status === 'failed', 120_000);
      expect(failed.statusReason).toBe('no_capacity');
      const inEnglish = await owner.get(`/api/v1/instances/${id}`, { 'accept-language': 'en' });
      expect(inEnglish.body.statusDetail).toBe('No server has room for this instance’s plan right now; it will start as soon as one does.');
      expect(await clusterOf(id)).toBeNull();
      // Resync tries again: opening mv-b places it there.
      await statuses({ b: 'active' });
      await waitForInstance(owner, id, (i) => i.status === 'running', 240_000);
      expect(await clusterOf(id)).toBe(ids.b);
      expect(await runningOnKube(mvB, id)).toBe(true);
    }),
    300_000,
  );
});
