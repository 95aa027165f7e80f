// `npm run bench`, section 6: deploy and resume on a real Kubernetes cluster (scripts/k8s/cluster.sh), against
// floors measured in the same run on the same cluster: a plain `docker build` + `docker push` + a pod of the image
// until its first line, and a StatefulSet scaled 0 → 1 until its pod runs.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Log, PatchStrategy, setHeaderOptions, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { discoverRegistry, KubeClient } from '@zapdeploy/runtime/kubernetes';
import Docker from 'dockerode';
import tar from 'tar-fs';
import { fixtures } from '../../test/stand-ins/fixture-repos.js';
import { GitServer } from '../../test/stand-ins/git-server.js';
import { startTestApi } from '../../test/support/api-harness.js';
import { HOST_CA_FILE } from '../../test/support/docker.js';
import { TestClient } from '../../test/support/http-client.js';
import { ensureCluster } from '../../test/support/kubernetes.js';
import { prepareFloorSource } from './docker-floor.js';
import { median, timed, until } from './stats.js';

export type KubernetesRow = { name: string; platform: string; floor: string; ratio: string; goal: string; ok: boolean };

const docker = new Docker();
const NAMESPACE = 'zd-bench-floor';
const fmt = (ms: number) => `${Math.round(ms)} ms`;
const restricted = {
  pod: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

export async function kubernetesBenchmarks(): Promise<KubernetesRow[]> {
  const cluster = await ensureCluster('bench');
  const kube = KubeClient.fromString(cluster.kubeconfig);
  const registry = await discoverRegistry(kube);
  if (!registry) throw new Error('the bench cluster publishes no registry');
  await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  const git = await new GitServer().start();
  const api = await startTestApi({
    mode: 'full',
    worker: true,
    env: {
      ZAPDEPLOY_RUNTIME: 'kubernetes',
      ZAPDEPLOY_KUBECONFIG: cluster.kubeconfigPath,
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  const client = new TestClient(api.url);
  await client.post('/api/auth/sign-up/email', { email: 'bench-k8s@example.com', password: 'cavalo-bateria-grampo', name: 'Bench' });
  const status = async (id: string) => ((await client.get(`/api/v1/instances/${id}`)).body as unknown as { status: string }).status;
  const sawLine = async (id: string) =>
    ((await client.get(`/api/v1/instances/${id}/logs?limit=200`)).body.items as { line: string }[]).some((l) => /^bot started/.test(l.line));
  const deploy = async (name: string) => {
    const repoUrl = await git.commit(`${name}-${Date.now()}`, fixtures.nodeBot);
    const start = performance.now();
    const id = (await client.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot' })).body.id as string;
    await until(() => sawLine(id), 300_000).catch(async (error: unknown) => {
      const instance = (await client.get(`/api/v1/instances/${id}`)).body;
      throw new Error(`${name}: no first line (${String(error)}): ${JSON.stringify(instance).slice(0, 600)}`);
    });
    return { id, ms: performance.now() - start };
  };
  const rows: KubernetesRow[] = [];
  try {
    await client.delete(`/api/v1/instances/${(await deploy('k8s-warmup')).id}`);
    const platform: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const run = await deploy(`k8s-deploy-${i}`);
      platform.push(run.ms);
      await client.delete(`/api/v1/instances/${run.id}`);
      floor.push(await buildPushAndRun(kube, registry, await git.commit(`k8s-floor-${i}-${Date.now()}`, fixtures.nodeBot), i));
    }
    const deployRatio = median(platform) / median(floor);
    rows.push({
      name: 'Kubernetes: deploy (create → first log line), warm cache',
      platform: fmt(median(platform)),
      floor: `${fmt(median(floor))} (docker build + push + a pod)`,
      ratio: `${deployRatio.toFixed(2)}×`,
      goal: '≤ 1.3×',
      ok: deployRatio <= 1.3,
    });

    const bot = await deploy('k8s-resume');
    await until(async () => (await status(bot.id)) === 'running', 60_000);
    const resumes: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await client.post(`/api/v1/instances/${bot.id}/pause`);
      await until(async () => (await status(bot.id)) === 'paused', 120_000);
      const { ms } = await timed(async () => {
        await client.post(`/api/v1/instances/${bot.id}/resume`);
        await until(async () => (await status(bot.id)) === 'running', 120_000, 10);
      });
      resumes.push(ms);
    }
    const scales = await scaleUps(kube, registry);
    const resumeRatio = median(resumes) / median(scales);
    rows.push({
      name: 'Kubernetes: resume (paused → running)',
      platform: fmt(median(resumes)),
      floor: `${fmt(median(scales))} (StatefulSet 0 → 1 until running)`,
      ratio: `${resumeRatio.toFixed(2)}×`,
      goal: '≤ 1.2×',
      ok: resumeRatio <= 1.2,
    });
  } finally {
    await api.close();
    await git.stop();
    await kube.ignoreMissing(() => kube.core.deleteNamespace({ name: NAMESPACE }));
  }
  return rows;
}

/** The deploy floor: `docker build`, `docker push` to the cluster's registry, a restricted pod of it until its first line. */
async function buildPushAndRun(kube: KubeClient, registry: string, repoUrl: string, n: number): Promise<number> {
  const work = await mkdtemp(path.join(tmpdir(), 'zapdeploy-k8s-floor-'));
  const repo = `${registry}/zapdeploy-floor`;
  const tag = `${Date.now()}`;
  const name = `floor-${n}`;
  try {
    const prepared = await prepareFloorSource(repoUrl, path.join(work, 'src'), HOST_CA_FILE);
    const start = performance.now();
    const build = await docker.buildImage(tar.pack(prepared.contextDir) as unknown as NodeJS.ReadableStream, {
      t: `${repo}:${tag}`,
      dockerfile: prepared.dockerfile,
      rm: true,
    });
    await follow(build);
    await follow(await docker.getImage(`${repo}:${tag}`).push({ authconfig: { serveraddress: registry } }));
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NAMESPACE },
      spec: {
        automountServiceAccountToken: false,
        securityContext: restricted.pod,
        containers: [{ name: 'bot', image: `${repo}:${tag}`, securityContext: restricted.container }],
      },
    };
    await kube.core.createNamespacedPod({ namespace: NAMESPACE, body: pod });
    await until(
      async () => (await kube.core.readNamespacedPod({ name, namespace: NAMESPACE })).status?.containerStatuses?.[0]?.state?.running !== undefined,
      120_000,
      20,
    );
    await firstLine(kube, name, /bot started/);
    const ms = performance.now() - start;
    await kube.ignoreMissing(() => kube.core.deleteNamespacedPod({ name, namespace: NAMESPACE, gracePeriodSeconds: 0 }));
    return ms;
  } finally {
    await docker
      .getImage(`${repo}:${tag}`)
      .remove({ force: true })
      // Clean-up of a throwaway image: one already gone (or still in use by a dying container) changes no figure.
      .catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** The resume floor: a StatefulSet of the base image scaled 0 → 1 until its pod runs, five times. */
async function scaleUps(kube: KubeClient, registry: string): Promise<number[]> {
  const image = `${registry}/zapdeploy-floor:base`;
  await docker.getImage('node:24-slim').tag({ repo: `${registry}/zapdeploy-floor`, tag: 'base' });
  await follow(await docker.getImage(image).push({ authconfig: { serveraddress: registry } }));
  const labels = { app: 'floor' };
  const set: V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'floor', namespace: NAMESPACE },
    spec: {
      replicas: 0,
      serviceName: 'floor',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 1,
          securityContext: restricted.pod,
          containers: [{ name: 'bot', image, command: ['node', '-e', 'setInterval(() => {}, 1000)'], securityContext: restricted.container }],
        },
      },
    },
  };
  await kube.apply(set);
  const times: number[] = [];
  const scale = (replicas: number) =>
    kube.apps.patchNamespacedStatefulSetScale(
      { name: 'floor', namespace: NAMESPACE, body: { spec: { replicas } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  for (let i = 0; i < 6; i += 1) {
    const start = performance.now();
    await scale(1);
    await until(
      async () =>
        (await kube.orNull(() => kube.core.readNamespacedPod({ name: 'floor-0', namespace: NAMESPACE })))?.status?.containerStatuses?.[0]?.state?.running !==
        undefined,
      120_000,
      10,
    );
    if (i > 0) times.push(performance.now() - start); // the first start pulls the image
    await scale(0);
    await kube.waitPodGone(NAMESPACE, 'floor-0', 60_000);
  }
  return times;
}

function follow(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = error?.message ?? output.find((event) => event.error)?.error;
      if (failed) reject(new Error(failed));
      else resolve();
    }),
  );
}

async function firstLine(kube: KubeClient, pod: string, pattern: RegExp): Promise<void> {
  const out = new PassThrough();
  let text = '';
  const seen = new Promise<void>((resolve) =>
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve();
    }),
  );
  const controller = await new Log(kube.config).log(NAMESPACE, pod, 'bot', out, { follow: true });
  await seen;
  controller.abort();
}
