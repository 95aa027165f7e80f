import { PassThrough, type Readable } from 'node:stream';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { InstanceVolume } from '../ports.js';
import { describeKubeError, type KubeClient, sleep } from './kube-client.js';
import { BOT_CONTAINER, DATA_DIR, K8S_LABELS, k8sNames, MANAGER, volumeHelperPod } from './manifests.js';
import type { KubernetesWorkload } from './workload.js';

export type KubernetesVolumeOptions = {
  /** An image in the cluster's registry with a shell, tar and du, run as a helper that mounts a stopped bot's claim. */
  readonly helperImage: () => Promise<string>;
};

const SESSIONS = 'sessions';
/** Copying a session folder in or out (at most the plan's disk) may take longer than a quick command. */
const COPY_TIMEOUT_MS = 600_000;
/** The claim's annotation with the bytes last measured on it. */
const USED_BYTES = 'zapdeploy.io/used-bytes';

/**
 * The instance's data claim. Read through the running bot's pod when there is one; otherwise (and for every write,
 * which needs the bot stopped) through a short-lived helper pod that mounts the claim, restricted like the bot.
 */
export class KubernetesVolume implements InstanceVolume {
  constructor(
    private readonly kube: KubeClient,
    private readonly workload: KubernetesWorkload,
    private readonly options: KubernetesVolumeOptions,
  ) {}

  async clearSessions(instanceId: string): Promise<void> {
    if (!(await this.claimExists(instanceId))) return;
    await this.withHelper(instanceId, async (namespace, pod, container) => {
      const result = await this.kube.run(namespace, pod, container, ['rm', '-rf', `${DATA_DIR}/${SESSIONS}`]);
      if (!result.ok) throw new Error(`clearing the sessions of ${instanceId}: ${result.stderr || result.message}`);
      await this.measure(instanceId, namespace, pod, container);
    });
  }

  async exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined> {
    const read = async (namespace: string, pod: string, container: string): Promise<T | undefined> => {
      const present = await this.kube.run(namespace, pod, container, ['test', '-d', `${DATA_DIR}/${SESSIONS}`]);
      if (!present.ok) return undefined;
      const tar = new PassThrough();
      const consumed = consume(tar);
      const result = await this.kube.run(namespace, pod, container, ['tar', '-c', '-C', DATA_DIR, SESSIONS], { stdout: tar, timeoutMs: COPY_TIMEOUT_MS });
      if (!result.ok) {
        tar.destroy(new Error(`reading the sessions of ${instanceId}: ${result.stderr || result.message}`));
        await consumed.catch(() => undefined); // it fails with the error destroyed into it, thrown just below
        throw new Error(`reading the sessions of ${instanceId}: ${result.stderr || result.message}`);
      }
      tar.end();
      return consumed;
    };
    const running = await this.runningPod(instanceId);
    if (running) return read(running.namespace, running.pod, BOT_CONTAINER);
    if (!(await this.claimExists(instanceId))) return undefined;
    return this.withHelper(instanceId, read);
  }

  async importSessions(instanceId: string, tar: Readable, diskMb?: number): Promise<void> {
    const work = async (namespace: string, pod: string, container: string) => {
      const cleared = await this.kube.run(namespace, pod, container, ['rm', '-rf', `${DATA_DIR}/${SESSIONS}`]);
      if (!cleared.ok) throw new Error(`replacing the sessions of ${instanceId}: ${cleared.stderr || cleared.message}`);
      let failure: Error | undefined;
      tar.once('error', (error: Error) => {
        failure = error;
      });
      const result = await this.kube.run(namespace, pod, container, ['tar', '-x', '--no-same-owner', '-C', DATA_DIR], {
        stdin: tar,
        timeoutMs: COPY_TIMEOUT_MS,
      });
      if (failure) throw failure;
      if (!result.ok) throw new Error(`writing the sessions of ${instanceId}: ${result.stderr || result.message}`);
      await this.measure(instanceId, namespace, pod, container);
    };
    // A claim made here (the instance moved in) gets the plan’s size; `replace` later finds it and leaves it so.
    await this.withHelper(instanceId, work, diskMb);
  }

  /**
   * Bytes on each instance's claim: measured (`du`) in the pods that run, since only they write; for the others, what
   * was last measured, kept on the claim.
   */
  async diskUsage(): Promise<Map<string, number>> {
    const usage = new Map<string, number>();
    const selector = `${K8S_LABELS.managedBy}=${MANAGER},${K8S_LABELS.instance}`;
    const claims = await this.kube.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector: selector });
    for (const claim of claims.items) {
      const instanceId = claim.metadata?.labels?.[K8S_LABELS.instance];
      const bytes = Number(claim.metadata?.annotations?.[USED_BYTES] ?? Number.NaN);
      if (instanceId && Number.isFinite(bytes)) usage.set(instanceId, bytes);
    }
    const pods = await this.kube.core.listPodForAllNamespaces({ labelSelector: selector, fieldSelector: 'status.phase=Running' });
    for (const pod of pods.items) {
      const instanceId = pod.metadata?.labels?.[K8S_LABELS.instance];
      if (!instanceId || !pod.metadata?.namespace || !pod.metadata.name) continue;
      // A pod that stops while it is measured keeps the figure last kept on its claim.
      const bytes = await this.measure(instanceId, pod.metadata.namespace, pod.metadata.name, BOT_CONTAINER).catch(() => undefined);
      if (bytes !== undefined) usage.set(instanceId, bytes);
    }
    return usage;
  }

  /** `du` of /data in a pod that mounts the claim; the figure is kept on the claim for when nothing runs. */
  private async measure(instanceId: string, namespace: string, pod: string, container: string): Promise<number | undefined> {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    const result = await this.kube.run(namespace, pod, container, ['du', '-sk', DATA_DIR], { stdout: out });
    const kb = Number.parseInt(text.trim().split(/\s+/)[0] ?? '', 10);
    if (!result.ok || !Number.isFinite(kb)) return undefined;
    const bytes = kb * 1024;
    await this.kube.core.patchNamespacedPersistentVolumeClaim(
      { name: k8sNames.claim(instanceId), namespace, body: { metadata: { annotations: { [USED_BYTES]: String(bytes) } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    return bytes;
  }

  private async claimExists(instanceId: string): Promise<boolean> {
    const { namespace } = await this.workload.namespaceOf(instanceId);
    return (await this.kube.orNull(() => this.kube.core.readNamespacedPersistentVolumeClaim({ name: k8sNames.claim(instanceId), namespace }))) !== null;
  }

  async remove(instanceId: string): Promise<void> {
    const { namespace } = await this.workload.namespaceOf(instanceId);
    await this.kube.ignoreMissing(() => this.kube.core.deleteNamespacedPod({ name: k8sNames.helper(instanceId), namespace, gracePeriodSeconds: 0 }));
    await this.kube.ignoreMissing(() => this.kube.core.deleteNamespacedPersistentVolumeClaim({ name: k8sNames.claim(instanceId), namespace }));
  }

  private async runningPod(instanceId: string): Promise<{ namespace: string; pod: string } | undefined> {
    const { namespace } = await this.workload.namespaceOf(instanceId);
    const pod = await this.kube.orNull(() => this.kube.core.readNamespacedPod({ name: k8sNames.pod(instanceId), namespace }));
    const running = pod?.status?.containerStatuses?.find((c) => c.name === BOT_CONTAINER)?.state?.running;
    return running && !pod?.metadata?.deletionTimestamp ? { namespace, pod: k8sNames.pod(instanceId) } : undefined;
  }

  /**
   * Runs `work` in a helper pod that mounts the claim (created with the tenant and claim if missing, of `diskMb` when
   * given), then removes it.
   */
  private async withHelper<T>(instanceId: string, work: (namespace: string, pod: string, container: string) => Promise<T>, diskMb?: number): Promise<T> {
    const { tenant, namespace } = await this.workload.namespaceOf(instanceId);
    await this.workload.ensureTenant(tenant);
    await this.workload.ensureClaim(tenant, instanceId, diskMb);
    const name = k8sNames.helper(instanceId);
    await this.kube.ignoreMissing(() => this.kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }));
    await this.kube.waitPodGone(namespace, name, 60_000);
    await this.kube.core.createNamespacedPod({ namespace, body: volumeHelperPod(tenant, instanceId, await this.options.helperImage()) });
    try {
      await this.waitRunning(namespace, name);
      return await work(namespace, name, 'helper');
    } finally {
      await this.kube.ignoreMissing(() => this.kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }));
      // Deleted without grace; one still there is deleted first by the next helper of this instance.
      await this.kube.waitPodGone(namespace, name, 60_000).catch(() => undefined);
    }
  }

  private async waitRunning(namespace: string, name: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const pod = await this.kube.core.readNamespacedPod({ name, namespace });
      if (pod.status?.containerStatuses?.[0]?.state?.running) return;
      const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
      if (waiting && ['ErrImagePull', 'ImagePullBackOff', 'CreateContainerConfigError'].includes(waiting.reason ?? '')) {
        throw new Error(`volume helper ${namespace}/${name}: ${waiting.reason}: ${waiting.message ?? ''}`);
      }
      if (pod.status?.phase === 'Failed' || Date.now() > deadline) {
        throw new Error(`volume helper ${namespace}/${name} did not start (${pod.status?.phase ?? 'unknown'}): ${describeKubeError(pod.status?.message)}`);
      }
      await sleep(250);
    }
  }
}
