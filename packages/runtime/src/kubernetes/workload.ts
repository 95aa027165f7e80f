import { PassThrough } from 'node:stream';
import { Log, type V1Pod, type V1StatefulSet, Watch } from '@kubernetes/client-node';
import { LineSplitter } from '../line-splitter.js';
import type { Workload } from '../ports.js';
import type { InstanceSpec, ObservedState, OutputLine, ResourceLimits } from '../runtime.js';
import { describeKubeError, type KubeClient, sleep } from './kube-client.js';
import {
  BOT_CONTAINER,
  instanceClaim,
  instanceSecret,
  instanceStatefulSet,
  K8S_LABELS,
  type KubernetesSettings,
  k8sNames,
  MANAGER,
  tenantCaConfigMap,
  tenantLimitRange,
  tenantNamespace,
  tenantNetworkPolicy,
  tenantQuota,
} from './manifests.js';
import { observationOf } from './observation.js';

/** Where the platform keeps what it knows of instances that the cluster needs: the tenant (owner) of each. */
export type TenantDirectory = {
  /** The instance's owner; its namespace is the tenant's. */
  tenantOf(instanceId: string): Promise<string>;
  /** What the tenant's plans add up to (its ResourceQuota). */
  allowanceOf(tenantId: string): Promise<{ memoryMb: number; cpuMillis: number; instances: number }>;
};

export type KubernetesWorkloadOptions = KubernetesSettings & {
  readonly tenants: TenantDirectory;
  /** Restarts after which a crash-looping bot is reported crashed (as Docker's on-failure policy gives up). */
  readonly maxRestarts: number;
  /** Extra CIDRs bots must never reach (the cluster's pod and service ranges when they are public addresses). */
  readonly blockedCidrs?: readonly string[];
};

const MANAGED = `${K8S_LABELS.managedBy}=${MANAGER}`;

/** Instances as StatefulSets of at most one pod, in one namespace per tenant, through one cluster's API. */
export class KubernetesWorkload implements Workload {
  private readonly tenantCache = new Map<string, string>();

  constructor(
    private readonly kube: KubeClient,
    private readonly options: KubernetesWorkloadOptions,
  ) {}

  async ping(): Promise<void> {
    try {
      await this.kube.core.listNode({ limit: 1 });
    } catch (error) {
      throw new Error(`kubernetes: ${describeKubeError(error)}`);
    }
  }

  /** The namespace of an instance (its tenant's), remembered once known. */
  async namespaceOf(instanceId: string): Promise<{ tenant: string; namespace: string }> {
    let tenant = this.tenantCache.get(instanceId);
    if (!tenant) {
      tenant = await this.options.tenants.tenantOf(instanceId);
      this.tenantCache.set(instanceId, tenant);
    }
    return { tenant, namespace: k8sNames.namespace(tenant) };
  }

  /** The tenant's namespace and the objects every one has: Pod Security, default-deny policy, quota, limits. */
  async ensureTenant(tenant: string): Promise<void> {
    await this.kube.apply(tenantNamespace(tenant));
    await this.kube.apply(tenantNetworkPolicy(tenant, this.options.blockedCidrs));
    await this.kube.apply(tenantLimitRange(tenant));
    await this.kube.apply(tenantQuota(tenant, await this.options.tenants.allowanceOf(tenant)));
    if (this.options.caBundle) await this.kube.apply(tenantCaConfigMap(tenant, this.options.caBundle));
  }

  /** The instance's data claim (its size is the plan's disk when the first deployment creates it). */
  async ensureClaim(tenant: string, instanceId: string, diskMb = 1024): Promise<void> {
    await this.kube.createIfAbsent(instanceClaim(tenant, instanceId, diskMb, this.options));
  }

  async replace(spec: InstanceSpec): Promise<void> {
    const { tenant } = await this.namespaceOf(spec.instanceId);
    await this.ensureTenant(tenant);
    await this.ensureClaim(tenant, spec.instanceId, spec.limits.diskMb);
    await this.kube.apply(instanceSecret(tenant, spec));
    // Stop, then start: the old pod is gone before the new template may create one.
    await this.stop(spec.instanceId);
    await this.kube.apply(instanceStatefulSet(tenant, spec, this.options, 1));
  }

  async start(instanceId: string): Promise<void> {
    const { namespace } = await this.namespaceOf(instanceId);
    await this.kube.scale(namespace, k8sNames.statefulSet(instanceId), 1);
  }

  async stop(instanceId: string): Promise<void> {
    const { namespace } = await this.namespaceOf(instanceId);
    await this.kube.ignoreMissing(() => this.kube.scale(namespace, k8sNames.statefulSet(instanceId), 0));
    await this.kube.waitPodGone(namespace, k8sNames.pod(instanceId), this.stopTimeoutMs());
  }

  async restart(instanceId: string): Promise<void> {
    const { namespace } = await this.namespaceOf(instanceId);
    // The controller creates the pod again (same name) only once this one is gone.
    await this.kube.ignoreMissing(() => this.kube.core.deleteNamespacedPod({ name: k8sNames.pod(instanceId), namespace }));
  }

  /** Pod resources change only by recreating the pod (OnDelete): the reconciler replaces. */
  async updateLimits(_instanceId: string, _limits: ResourceLimits): Promise<boolean> {
    return false;
  }

  async observe(instanceId: string): Promise<ObservedState> {
    const { namespace } = await this.namespaceOf(instanceId);
    const [statefulSet, pod] = await Promise.all([
      this.kube.orNull(() => this.kube.apps.readNamespacedStatefulSet({ name: k8sNames.statefulSet(instanceId), namespace })),
      this.kube.orNull(() => this.kube.core.readNamespacedPod({ name: k8sNames.pod(instanceId), namespace })),
    ]);
    const observed = observationOf(statefulSet, pod);
    // Docker's on-failure policy gives up after maxRestarts; a bot crash-looping that long is reported crashed.
    if (observed.restarting && observed.exitCode !== null && observed.restartCount >= this.options.maxRestarts) {
      return { ...observed, restarting: false };
    }
    return observed;
  }

  async remove(instanceId: string): Promise<void> {
    const { namespace } = await this.namespaceOf(instanceId);
    await this.stop(instanceId);
    await this.kube.ignoreMissing(() => this.kube.apps.deleteNamespacedStatefulSet({ name: k8sNames.statefulSet(instanceId), namespace }));
    await this.kube.ignoreMissing(() => this.kube.core.deleteNamespacedSecret({ name: k8sNames.secret(instanceId), namespace }));
  }

  /**
   * Follows the bot's output through the pods/log API, reconnecting (from the last timestamp seen, skipping lines
   * already given) when the stream closes while the pod still runs; ends when the pod stops or `signal` aborts.
   * Kubernetes merges stdout and stderr: every line is reported as stdout.
   */
  async follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void> {
    const { namespace } = await this.namespaceOf(instanceId);
    const podName = k8sNames.pod(instanceId);
    let last = since;
    let podUid: string | undefined;
    while (!signal.aborted) {
      const pod = await this.kube.orNull(() => this.kube.core.readNamespacedPod({ name: podName, namespace }));
      if (!pod || (podUid && pod.metadata?.uid !== podUid)) return;
      podUid = pod.metadata?.uid;
      const status = pod.status?.containerStatuses?.find((c) => c.name === BOT_CONTAINER);
      if (!status?.state?.running && !status?.state?.terminated) {
        await sleep(500, signal);
        continue;
      }
      last = await this.streamOnce(namespace, podName, last, onLine, signal);
      const after = await this.kube.orNull(() => this.kube.core.readNamespacedPod({ name: podName, namespace }));
      const stillRunning = after?.metadata?.uid === podUid && after?.status?.containerStatuses?.find((c) => c.name === BOT_CONTAINER)?.state?.running;
      if (!stillRunning) return;
      await sleep(250, signal);
    }
  }

  private async streamOnce(
    namespace: string,
    pod: string,
    since: string | null,
    onLine: (line: OutputLine) => void,
    signal: AbortSignal,
  ): Promise<string | null> {
    let last = since;
    const body = new PassThrough();
    const splitter = new LineSplitter((text) => {
      const space = text.indexOf(' ');
      const ts = space > 0 ? text.slice(0, space) : '';
      if (!/^\d{4}-\d\d-\d\dT/.test(ts)) return;
      const iso = normalizeTs(ts);
      // Reconnects ask from the last second seen (the API's precision): lines up to the resume point were given.
      if (since && iso <= since) return;
      last = iso;
      onLine({ ts: iso, stream: 'stdout', line: text.slice(space + 1) });
    });
    const ended = new Promise<void>((resolve) => {
      body.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
      body.on('end', resolve);
      body.on('error', () => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    const controller = await new Log(this.kube.config).log(namespace, pod, BOT_CONTAINER, body, {
      follow: true,
      timestamps: true,
      ...(since ? { sinceTime: new Date(since).toISOString().replace(/\.\d+Z$/, 'Z') } : {}),
    });
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await ended;
      splitter.flush();
    } finally {
      signal.removeEventListener('abort', abort);
      controller.abort();
    }
    return last;
  }

  async list(): Promise<string[]> {
    const sets = await this.kube.apps.listStatefulSetForAllNamespaces({ labelSelector: MANAGED });
    return sets.items.map((set: V1StatefulSet) => set.metadata?.labels?.[K8S_LABELS.instance]).filter((id): id is string => Boolean(id));
  }

  async watch(onChange: (instanceId: string) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    await new Promise<void>((resolve, reject) => {
      let controller: AbortController | undefined;
      const stop = () => {
        controller?.abort();
        resolve();
      };
      signal.addEventListener('abort', stop, { once: true });
      new Watch(this.kube.config)
        .watch(
          '/api/v1/pods',
          { labelSelector: `${MANAGED},${K8S_LABELS.instance}` },
          (_type: string, pod: V1Pod) => {
            const id = pod.metadata?.labels?.[K8S_LABELS.instance];
            if (id) onChange(id);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', stop);
            if (signal.aborted || !error) resolve();
            else reject(new Error(`kubernetes watch: ${describeKubeError(error)}`));
          },
        )
        .then((value) => {
          controller = value;
          if (signal.aborted) value.abort();
        }, reject);
    });
  }

  async readFile(instanceId: string, name: string, maxBytes: number): Promise<Buffer | undefined> {
    if (name.includes('..') || name.startsWith('/')) return undefined;
    const { namespace } = await this.namespaceOf(instanceId);
    const chunks: Buffer[] = [];
    let size = 0;
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    try {
      const result = await this.kube.run(namespace, k8sNames.pod(instanceId), BOT_CONTAINER, ['head', '-c', String(maxBytes + 1), `/app/${name}`], {
        stdout: out,
      });
      if (!result.ok || size > maxBytes) return undefined;
      return Buffer.concat(chunks);
    } catch {
      // The pod is gone or restarting: as Docker's readFile of a missing file, nothing to read (the caller asks again).
      return undefined;
    }
  }

  async close(): Promise<void> {}

  private stopTimeoutMs(): number {
    return (this.options.terminationGraceSeconds + 60) * 1000;
  }
}

/** `2024-05-01T10:00:00.123456789Z` (the kubelet's nanoseconds) as a JavaScript ISO time with milliseconds. */
function normalizeTs(ts: string): string {
  const date = new Date(ts.replace(/(\.\d{3})\d+Z$/, '$1Z'));
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}
