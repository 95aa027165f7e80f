import { ApiException, type V1Pod, Watch } from '@kubernetes/client-node';
import { K8S_LABELS, KubeClient, k8sNames } from '@zapdeploy/runtime/kubernetes';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { ensureCluster, explainedBy, type TestCluster } from '@zapdeploy/test-support/support/kubernetes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, waitForInstance, waitForLog } from './deploy-helpers.js';

/**
 * The Kubernetes runtime end to end: the platform (API + worker) with ZAPDEPLOY_RUNTIME=kubernetes on a real cluster
 * (scripts/k8s/cluster.sh), driven through the API; the cluster's own API only for what only it can show.
 */

/** Prints its uid and a line every 200 ms; no dependencies (no npm download in the build). */
const tickBot = {
  'package.json': JSON.stringify({ name: 'tick-bot', version: '1.0.0', private: true, scripts: { start: 'node index.js' } }),
  'index.js': [
    "const fs = require('node:fs');",
    "console.log('bot started user', process.getuid());",
    "fs.writeFileSync('/data/started.txt', new Date().toISOString());",
    "let n = 0; setInterval(() => console.log('tick', ++n), 200);",
    "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });",
  ].join('\n'),
};

let cluster: TestCluster;
let kube: KubeClient;
let git: GitServer;
let api: TestApi;
let userCount = 0;

beforeAll(async () => {
  cluster = await ensureCluster('e2e');
  kube = KubeClient.fromString(cluster.kubeconfig);
  git = await new GitServer().start();
  api = await startTestApi({
    mode: 'full',
    worker: true,
    env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_RUNTIME: 'kubernetes', ZAPDEPLOY_KUBECONFIG: cluster.kubeconfigPath },
  });
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

async function signUp(): Promise<{ client: TestClient; userId: string }> {
  userCount += 1;
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', {
    email: `k8s-deployer${userCount}-${Date.now()}@example.com`,
    password: 'cavalo-bateria-grampo',
    name: 'Deployer',
  });
  expect(response.status).toBe(200);
  const me = await client.get('/api/v1/me');
  const userId = (me.body.user as { id: string }).id;
  expect(userId).toBeTruthy();
  return { client, userId };
}

async function create(client: TestClient, name: string, files: Record<string, string>, planId = 'plan_bot', extra: Record<string, unknown> = {}) {
  const repoUrl = await git.commit(`${name}-${Date.now()}`, files);
  const response = await client.post('/api/v1/instances', { name, repoUrl, planId, ...extra });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

function cookieOf(client: TestClient): string {
  const cookies = (client as unknown as { cookies?: Map<string, string> }).cookies;
  return cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
}

const selector = (instanceId: string) => `${K8S_LABELS.instance}=${instanceId}`;
const readPod = (namespace: string, instanceId: string) => kube.orNull(() => kube.core.readNamespacedPod({ namespace, name: k8sNames.pod(instanceId) }));
const readSet = (namespace: string, instanceId: string) =>
  kube.orNull(() => kube.apps.readNamespacedStatefulSet({ namespace, name: k8sNames.statefulSet(instanceId) }));
const readClaim = (namespace: string, instanceId: string) =>
  kube.orNull(() => kube.core.readNamespacedPersistentVolumeClaim({ namespace, name: k8sNames.claim(instanceId) }));

/** A test whose failure says what the cluster and the platform's last log lines looked like. */
function explained(step: () => Promise<void>): () => Promise<void> {
  return () => explainedBy([cluster], step, () => api.logs.slice(-40).join('\n'));
}

describe('a bot on Kubernetes, through the platform', () => {
  let owner: { client: TestClient; userId: string };
  let id: string;
  let namespace: string;

  it(
    'deploys it to running, streams its logs over SSE, in its tenant namespace, restricted, as uid 1000, with the plan limits',
    explained(async () => {
      owner = await signUp();
      namespace = k8sNames.namespace(owner.userId);
      id = await create(owner.client, 'k8s-bot', tickBot);
      const running = await waitForInstance(owner.client, id, (i) => i.status === 'running' || i.status === 'failed' || i.status === 'crashed');
      expect(running).toMatchObject({ status: 'running', currentDeployment: { number: 1, status: 'live' } });

      const events = await readSse(
        `${api.url}/api/v1/instances/${id}/logs`,
        { cookie: cookieOf(owner.client) },
        (list) => list.some((e) => /^tick \d+$/.test((e.data as { line: string }).line)),
        60_000,
      );
      const lines = events.map((e) => (e.data as { line: string }).line);
      expect(lines).toContain('bot started user 1000');
      expect(lines.some((l) => /^tick \d+$/.test(l))).toBe(true);

      const ns = await kube.core.readNamespace({ name: namespace });
      expect(ns.metadata?.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', [K8S_LABELS.tenant]: owner.userId });
      const pod = await readPod(namespace, id);
      expect(pod?.metadata?.labels?.[K8S_LABELS.instance]).toBe(id);
      expect(pod?.status?.phase).toBe('Running');
      expect(pod?.spec?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 });
      const container = pod?.spec?.containers[0];
      expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      // plan_bot: 256 MB, 250 mCPU (packages/db/migrations/0001_seed_plans.sql).
      expect(container?.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
    }),
  );

  it(
    'pauses (no pod, the StatefulSet at 0, the claim kept) and resumes',
    explained(async () => {
      expect((await owner.client.post(`/api/v1/instances/${id}/pause`)).status).toBe(202);
      await waitForInstance(owner.client, id, (i) => i.status === 'paused', 60_000);
      await expect.poll(() => readPod(namespace, id)).toBeNull();
      expect((await readSet(namespace, id))?.spec?.replicas).toBe(0);
      expect((await readClaim(namespace, id))?.status?.phase).toBe('Bound');

      expect((await owner.client.post(`/api/v1/instances/${id}/resume`)).status).toBe(202);
      const resumed = await waitForInstance(owner.client, id, (i) => i.status === 'running', 120_000);
      expect(resumed.currentDeployment?.number).toBe(1);
      expect((await readSet(namespace, id))?.spec?.replicas).toBe(1);
      await expect.poll(async () => (await readPod(namespace, id))?.status?.phase).toBe('Running');
    }),
  );

  it(
    'never runs two pods of the instance through a burst of redeploys, restarts, env and plan changes, and ends running',
    explained(async () => {
      const alive = new Map<string, string>(); // uid → name: pods that exist and whose deletion was not yet seen
      let most = 0;
      const seen: string[] = [];
      const uids = new Set<string>();
      let ended: unknown = null; // the watch must sample the whole burst: an early end fails the test
      let sampling = true;
      const watch = await new Watch(kube.config).watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: selector(id) },
        (type: string, pod: V1Pod) => {
          const uid = pod.metadata?.uid ?? '';
          if (type === 'DELETED') alive.delete(uid);
          else if (type === 'ADDED' || type === 'MODIFIED') alive.set(uid, pod.metadata?.name ?? '');
          if (uid) uids.add(uid);
          most = Math.max(most, alive.size);
          seen.push(`${type} ${pod.metadata?.name} ${uid.slice(0, 8)} ${pod.status?.phase}${pod.metadata?.deletionTimestamp ? ' terminating' : ''}`);
        },
        (error: unknown) => {
          if (sampling) ended = error ?? 'ended';
        },
      );
      const statuses: number[] = [];
      try {
        const before = (await owner.client.get(`/api/v1/instances/${id}`)).body as unknown as { currentDeployment: { number: number } };
        const send = async (calls: (() => Promise<{ status: number }>)[]) => {
          for (const call of calls) {
            statuses.push((await call()).status);
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        };
        const first = new Set(uids);
        await send([
          () => owner.client.post(`/api/v1/instances/${id}/redeploy`),
          () => owner.client.post(`/api/v1/instances/${id}/restart`),
          () => owner.client.patch(`/api/v1/instances/${id}`, { env: { BURST: '1' } }),
        ]);
        // The second wave lands while the worker brings up a new pod (its changes must wait for it, not race it).
        await expect.poll(() => [...uids].some((uid) => !first.has(uid)), { timeout: 120_000, interval: 100 }).toBe(true);
        await send([
          () => owner.client.patch(`/api/v1/instances/${id}`, { planId: 'plan_bot_plus' }),
          () => owner.client.post(`/api/v1/instances/${id}/restart`),
          () => owner.client.post(`/api/v1/instances/${id}/redeploy`),
          () => owner.client.post(`/api/v1/instances/${id}/restart`),
          () => owner.client.patch(`/api/v1/instances/${id}`, { env: { BURST: '2' } }),
        ]);
        // Each was accepted, or refused because another change is under way (never a server error).
        expect(
          statuses.every((s) => s < 500),
          `statuses ${statuses.join(' ')}`,
        ).toBe(true);

        const final = await waitForInstance(
          owner.client,
          id,
          (i) => i.status === 'running' && i.currentDeployment?.status === 'live' && i.currentDeployment.number > before.currentDeployment.number,
          240_000,
        );
        expect(final.status).toBe('running');
        // Settled on the last wishes: the plus plan's limits and the last env.
        await expect
          .poll(async () => (await readPod(namespace, id))?.spec?.containers[0]?.resources?.limits, { timeout: 90_000 })
          .toEqual({ cpu: '500m', memory: '512Mi' });
        await expect.poll(async () => (await readPod(namespace, id))?.status?.phase, { timeout: 90_000 }).toBe('Running');
        await waitForInstance(owner.client, id, (i) => i.status === 'running', 60_000);
        const secret = await kube.core.readNamespacedSecret({ namespace, name: k8sNames.secret(id) });
        expect(Buffer.from(secret.data?.BURST ?? '', 'base64').toString()).toBe('2');
      } finally {
        sampling = false;
        watch.abort();
      }
      expect(ended, seen.join('\n')).toBeNull();
      // The burst recreated the pod several times (redeploys, restarts, env and plan changes), one at a time.
      expect(uids.size, seen.join('\n')).toBeGreaterThanOrEqual(3);
      expect(most, seen.join('\n')).toBeLessThanOrEqual(1);
      console.info(`burst: ${uids.size} pods, ${seen.length} events, at most ${most} alive at once; API statuses ${statuses.join(' ')}`);
    }),
  );

  it(
    'refuses a privileged pod and a root pod in the tenant namespace (Pod Security admission)',
    explained(async () => {
      const pod = (name: string, securityContext: Record<string, unknown>, podContext: Record<string, unknown> = {}) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace },
        spec: { securityContext: podContext, containers: [{ name: 'c', image: 'zapdeploy.local/pause:1', securityContext }] },
      });
      for (const body of [
        pod('zd-test-privileged', { privileged: true }),
        pod('zd-test-root', { runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, { seccompProfile: { type: 'RuntimeDefault' } }),
      ]) {
        const error = await kube.core.createNamespacedPod({ namespace, body }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ApiException);
        expect((error as ApiException<unknown>).code).toBe(403);
        expect(JSON.stringify((error as ApiException<unknown>).body)).toContain('PodSecurity');
      }
    }),
  );

  it(
    'gives the tenant namespace the default-deny NetworkPolicy and a quota from the owner’s plans',
    explained(async () => {
      const policy = (await kube.objects.read({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'zd-default', namespace },
      })) as unknown as {
        spec: {
          podSelector: Record<string, unknown>;
          policyTypes: string[];
          ingress?: unknown[];
          egress: { ports?: { protocol: string; port: number }[]; to?: { ipBlock: { cidr: string; except?: string[] } }[] }[];
        };
      };
      expect(policy.spec.podSelector).toEqual({});
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.spec.ingress ?? []).toEqual([]);
      expect(policy.spec.egress).toHaveLength(2);
      const dns = policy.spec.egress.find((rule) => rule.ports);
      expect(dns?.to).toBeUndefined();
      expect(dns?.ports).toEqual(
        expect.arrayContaining([expect.objectContaining({ protocol: 'UDP', port: 53 }), expect.objectContaining({ protocol: 'TCP', port: 53 })]),
      );
      const publicOnly = policy.spec.egress.find((rule) => rule.to);
      expect(publicOnly?.ports).toBeUndefined();
      const v4 = publicOnly?.to?.find((peer) => peer.ipBlock.cidr === '0.0.0.0/0')?.ipBlock.except ?? [];
      for (const range of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8']) expect(v4).toContain(range);
      const v6 = publicOnly?.to?.find((peer) => peer.ipBlock.cidr === '::/0')?.ipBlock.except ?? [];
      expect(v6).toEqual(expect.arrayContaining(['fc00::/7', 'fe80::/10']));

      // One instance, now on plan_bot_plus (512 MB, 500 mCPU), plus room for one volume helper (128 MB, 250 mCPU).
      const quota = await kube.core.readNamespacedResourceQuota({ namespace, name: 'zd-quota' });
      expect(quota.spec?.hard).toMatchObject({
        'limits.memory': '640Mi',
        'requests.memory': '640Mi',
        'limits.cpu': '750m',
        'requests.cpu': '750m',
        pods: '2',
        persistentvolumeclaims: '1',
        services: '0',
      });
    }),
  );

  it(
    'deletes the StatefulSet, pod, claim and Secret',
    explained(async () => {
      expect((await owner.client.delete(`/api/v1/instances/${id}`)).status).toBe(202);
      await expect.poll(async () => (await owner.client.get(`/api/v1/instances/${id}`)).status, { timeout: 120_000 }).toBe(404);
      const labelSelector = selector(id);
      await expect
        .poll(async () => {
          const sets = await kube.apps.listStatefulSetForAllNamespaces({ labelSelector });
          const pods = await kube.core.listPodForAllNamespaces({ labelSelector });
          const claims = await kube.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector });
          const secrets = await kube.core.listSecretForAllNamespaces({ labelSelector });
          return [...sets.items, ...pods.items, ...claims.items, ...secrets.items].map((o) => `${o.kind ?? ''} ${o.metadata?.name}`);
        })
        .toEqual([]);
      expect(await readSet(namespace, id)).toBeNull();
      expect(await readPod(namespace, id)).toBeNull();
      expect(await readClaim(namespace, id)).toBeNull();
      expect(await kube.orNull(() => kube.core.readNamespacedSecret({ namespace, name: k8sNames.secret(id) }))).toBeNull();
    }),
  );
});

describe('WhatsApp sessions on Kubernetes', () => {
  it(
    'keeps the session folder across a redeploy',
    explained(async () => {
      const { client } = await signUp();
      const bot = await create(client, 'k8s-session-bot', fixtures.sessionBot);
      const first = await waitForLog(client, `/api/v1/instances/${bot}/logs`, /^session \w+ new$/, 180_000);
      const session = first.find((l) => / new$/.test(l.line))?.line.split(' ')[1] ?? '';
      expect(session).not.toBe('');
      expect((await client.post(`/api/v1/instances/${bot}/redeploy`)).status).toBe(202);
      const lines = await waitForLog(client, `/api/v1/instances/${bot}/logs`, new RegExp(`^session ${session} restored$`), 180_000);
      expect(lines.filter((l) => / new$/.test(l.line))).toHaveLength(1);
      const live = await waitForInstance(client, bot, (i) => i.status === 'running' && i.currentDeployment?.number === 2);
      expect(live.currentDeployment?.status).toBe('live');
      expect((await client.delete(`/api/v1/instances/${bot}`)).status).toBe(202);
    }),
  );
});
