import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  BuildRequest,
  BuiltArtifact,
  ImageBuilder,
  InstanceSpec,
  InstanceVolume,
  OutputLine,
  ResourceLimits,
  RuntimePorts,
  Workload,
} from '@zapdeploy/runtime';

/** How often a watch checks whether the clusters changed (it is restarted with them when they did). */
const CLUSTER_SET_CHECK_MS = 5_000;

/** What the router needs to know of the platform's clusters. */
export type ClusterDirectory = {
  /** The cluster an instance is placed on (null: not placed yet, or placed before clusters existed: the local one). */
  clusterOf(instanceId: string): Promise<string | null>;
  /** The local cluster's id (the runtime this worker was started with), null until it exists. */
  localClusterId(): Promise<string | null>;
  /**
   * Every cluster with what it takes to connect (credentials decrypted); `version` changes when they do. May be a few
   * seconds old; `fresh` reads them now.
   */
  clusters(options?: { fresh?: boolean }): Promise<readonly ClusterConnection[]>;
};

export type ClusterConnection = {
  readonly id: string;
  readonly kind: string;
  readonly credentials: string;
  readonly registry: string | null;
  readonly storageClass: string | null;
  readonly version: string;
};

/**
 * The runtime ports of every cluster as one: each call about an instance goes to the cluster it is placed on; lists,
 * disk usage and watches span them all. The local cluster is the runtime the worker was started with.
 */
export class ClusterRouter implements RuntimePorts {
  readonly kind;
  readonly builder: ImageBuilder;
  readonly workload: Workload;
  readonly volume: InstanceVolume;
  private readonly connected = new Map<string, { version: string; ports: RuntimePorts }>();

  constructor(
    private readonly local: RuntimePorts,
    private readonly directory: ClusterDirectory,
    private readonly connect: (cluster: ClusterConnection) => RuntimePorts,
    private readonly log: (message: string) => void,
    private readonly clusterCheckMs = CLUSTER_SET_CHECK_MS,
  ) {
    this.kind = local.kind;
    this.builder = this.routedBuilder();
    this.workload = this.routedWorkload();
    this.volume = this.routedVolume();
  }

  /** The ports of a cluster (connected once, again when its credentials change). */
  async portsOf(clusterId: string | null): Promise<RuntimePorts> {
    if (clusterId === null || clusterId === (await this.directory.localClusterId())) return this.local;
    // A cluster added moments ago (an instance just placed on it) may not be in the list read a few seconds ago.
    const cluster =
      (await this.directory.clusters()).find((c) => c.id === clusterId) ?? (await this.directory.clusters({ fresh: true })).find((c) => c.id === clusterId);
    if (!cluster) throw new Error(`cluster ${clusterId} does not exist`);
    const known = this.connected.get(clusterId);
    if (known && known.version === cluster.version) return known.ports;
    if (known) await known.ports.workload.close().catch((error: unknown) => this.log(`cluster ${clusterId}: closing its old connection: ${String(error)}`));
    const ports = this.connect(cluster);
    this.connected.set(clusterId, { version: cluster.version, ports });
    return ports;
  }

  async portsFor(instanceId: string): Promise<RuntimePorts> {
    return this.portsOf(await this.directory.clusterOf(instanceId));
  }

  /** Every cluster's ports that can be reached; one that cannot is said in the log and left out. */
  async all(): Promise<RuntimePorts[]> {
    const local = await this.directory.localClusterId();
    const all: RuntimePorts[] = [this.local];
    for (const cluster of await this.directory.clusters()) {
      if (cluster.id === local) continue;
      try {
        all.push(await this.portsOf(cluster.id));
      } catch (error) {
        this.log(`cluster ${cluster.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return all;
  }

  /** The clusters as a comparable key: their ids and connection versions. */
  private async clusterSet(): Promise<string> {
    return (await this.directory.clusters())
      .map((cluster) => `${cluster.id}@${cluster.version}`)
      .sort()
      .join(',');
  }

  /** Resolves once the clusters differ from `watching` (or `signal` aborts). */
  private async untilClustersChange(watching: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // The sleep rejects only when `signal` aborts, which the next line handles.
      await sleep(this.clusterCheckMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const now = await this.clusterSet().catch(() => watching);
      if (now !== watching) return;
    }
  }

  private routedBuilder(): ImageBuilder {
    return {
      ping: () => this.local.builder.ping(),
      build: async (request: BuildRequest): Promise<BuiltArtifact> => (await this.portsFor(request.instanceId)).builder.build(request),
      pruneArtifacts: async (instanceId: string, keep: readonly string[]) => (await this.portsFor(instanceId)).builder.pruneArtifacts(instanceId, keep),
      adopt: (artifact: string) => this.local.builder.adopt(artifact),
    };
  }

  private routedWorkload(): Workload {
    const on = async (instanceId: string) => (await this.portsFor(instanceId)).workload;
    return {
      ping: async () => {
        await this.local.workload.ping();
        for (const ports of (await this.all()).slice(1)) {
          await ports.workload.ping().catch((error: unknown) => this.log(`cluster ping: ${error instanceof Error ? error.message : String(error)}`));
        }
      },
      replace: async (spec: InstanceSpec) => (await on(spec.instanceId)).replace(spec),
      start: async (id: string) => (await on(id)).start(id),
      stop: async (id: string) => (await on(id)).stop(id),
      restart: async (id: string) => (await on(id)).restart(id),
      updateLimits: async (id: string, limits: ResourceLimits) => (await on(id)).updateLimits(id, limits),
      observe: async (id: string) => (await on(id)).observe(id),
      remove: async (id: string) => (await on(id)).remove(id),
      follow: async (id: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal) =>
        (await on(id)).follow(id, since, onLine, signal),
      readFile: async (id: string, name: string, maxBytes: number) => (await on(id)).readFile(id, name, maxBytes),
      list: async () => [...new Set((await Promise.all((await this.all()).map((ports) => ports.workload.list()))).flat())],
      // Every cluster's changes; ends (to be called again, with the clusters of then) when any watch ends or the
      // clusters change (one added, removed or given new credentials: its bots must be watched from then on).
      watch: async (onChange: (id: string) => void, signal: AbortSignal) => {
        const controller = new AbortController();
        const stop = () => controller.abort();
        signal.addEventListener('abort', stop, { once: true });
        try {
          const watching = await this.clusterSet();
          const both = AbortSignal.any([signal, controller.signal]);
          const watches = (await this.all()).map((ports) => ports.workload.watch(onChange, both));
          await Promise.race([...watches, this.untilClustersChange(watching, both)]);
        } finally {
          signal.removeEventListener('abort', stop);
          controller.abort();
        }
      },
      close: async () => {
        for (const [id, { ports }] of this.connected)
          await ports.workload.close().catch((error: unknown) => this.log(`cluster ${id}: closing: ${String(error)}`));
        await this.local.workload.close();
      },
    };
  }

  private routedVolume(): InstanceVolume {
    const on = async (instanceId: string) => (await this.portsFor(instanceId)).volume;
    return {
      clearSessions: async (id: string) => (await on(id)).clearSessions(id),
      exportSessions: async <T>(id: string, consume: (tar: Readable) => Promise<T>) => (await on(id)).exportSessions(id, consume),
      importSessions: async (id: string, tar: Readable, diskMb?: number) => (await on(id)).importSessions(id, tar, diskMb),
      remove: async (id: string) => (await on(id)).remove(id),
      diskUsage: async () => {
        const usage = new Map<string, number>();
        for (const ports of await this.all()) {
          try {
            for (const [id, bytes] of await ports.volume.diskUsage()) usage.set(id, bytes);
          } catch (error) {
            this.log(`disk usage: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        return usage;
      },
    };
  }
}
