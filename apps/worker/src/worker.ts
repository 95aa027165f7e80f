import { InstanceReconcileV1, MESSAGE_CATALOG } from '@zapdeploy/contracts';
import {
  type ClusterRepository,
  InstanceRepository,
  LeaseRepository,
  OutboxRepository,
  SecretBox,
  SessionTransferRepository,
  WorkerInstanceRepository,
} from '@zapdeploy/db';
import { GithubClient } from '@zapdeploy/github';
import { ensureLocalCluster, type Infrastructure, OutboxRelay, openClusterRepository } from '@zapdeploy/infra';
import type { RuntimePorts } from '@zapdeploy/runtime';
import { RuntimeClusterProbe } from '@zapdeploy/runtime/cluster-probe';
import pLimit from 'p-limit';
import { DbClusterDirectory, tenantDirectory } from './cluster-directory.js';
import { ClusterRouter } from './cluster-router.js';
import type { WorkerConfig } from './config.js';
import { DiskWatcher } from './disk-watcher.js';
import { KeyedScheduler } from './keyed-scheduler.js';
import { LogFollowers } from './log-followers.js';
import { QrDecoder } from './qr-decoding/qr-decoder.js';
import { Reconciler } from './reconciler.js';
import { connectCluster } from './runtime-factory.js';
import { StatusEvents } from './status-events.js';
import { WhatsappWatcher } from './whatsapp-watcher.js';

export type WorkerLogger = { info(message: string): void; error(message: string): void };

/**
 * A stateless worker: consumes reconcile nudges, relays the outbox, resyncs periodically, watches the
 * workload's events and follows bots' output. Any number may run against the same database.
 */
export class Worker {
  private readonly scheduler: KeyedScheduler;
  private readonly relay: OutboxRelay;
  private readonly followers: LogFollowers;
  private readonly work: WorkerInstanceRepository;
  private readonly controller = new AbortController();
  private stopConsuming: (() => Promise<void>) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private diskTimer: NodeJS.Timeout | undefined;
  private readonly disk: DiskWatcher;
  private readonly decoder: QrDecoder;
  private readonly clusters: ClusterRepository;
  /** Every cluster's runtime as one: calls about an instance go to the cluster it is placed on. */
  readonly runtime: ClusterRouter;

  constructor(
    private readonly config: WorkerConfig,
    private readonly infra: Infrastructure,
    local: RuntimePorts,
    private readonly logger: WorkerLogger,
  ) {
    const db = infra.database.db;
    const leases = new LeaseRepository(db);
    const github = new GithubClient(config.github.apiUrl, config.github.app);
    this.work = new WorkerInstanceRepository(db);
    this.clusters = openClusterRepository(db, infra.secret);
    const tenants = tenantDirectory(this.work);
    const runtime = new ClusterRouter(
      local,
      new DbClusterDirectory(this.clusters, this.work),
      (cluster) => connectCluster(config, cluster, tenants),
      (message) => logger.error(message),
    );
    this.runtime = runtime;
    this.decoder = new QrDecoder({ onError: (error) => logger.error(`qr decoding: ${String(error)}`) });
    const whatsapp = new WhatsappWatcher(
      infra.logStore,
      async (id) => (await this.work.load(id))?.ownerId ?? null,
      this.decoder,
      (message) => logger.error(message),
      (id, name) => runtime.workload.readFile(id, name, 512 * 1024),
    );
    this.followers = new LogFollowers({
      workload: runtime.workload,
      leases,
      logStore: infra.logStore,
      workerId: config.workerId,
      linesPerSecond: config.logLinesPerSecond,
      leaseMs: config.leaseMs / 2,
      onLine: (instanceId, line) => whatsapp.onLine(instanceId, line),
      log: (message) => logger.error(message),
    });
    const events = new StatusEvents(infra.logStore);
    this.disk = new DiskWatcher({
      volume: runtime.volume,
      leases,
      work: this.work,
      outbox: new OutboxRepository(db),
      workerId: config.workerId,
      intervalMs: config.diskCheckMs,
      nudge: (id) => this.nudge(id),
    });
    const reconciler = new Reconciler({
      config,
      runtime,
      clusters: this.clusters,
      leases,
      work: this.work,
      instances: new InstanceRepository(db, new SecretBox(infra.secret, 'instance-env')),
      logStore: infra.logStore,
      sessions: new SessionTransferRepository(db),
      archives: infra.sessionArchives,
      followers: this.followers,
      events,
      installationToken: (installationId) => github.installationToken(installationId),
      buildSlots: pLimit(config.maxConcurrentBuilds),
      log: (line) => logger.error(line),
    });
    this.scheduler = new KeyedScheduler(
      (id) => reconciler.reconcile(id),
      (id, error) => logger.error(`reconcile ${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    );
    this.relay = new OutboxRelay(new OutboxRepository(db), infra.bus, MESSAGE_CATALOG, 250, (error) => logger.error(`outbox relay: ${String(error)}`));
  }

  async start(): Promise<void> {
    await this.ping();
    await this.prepareLocalCluster();
    this.stopConsuming = await this.infra.bus.consume('worker.reconcile', [InstanceReconcileV1], async (_key, payload) => {
      this.nudge((payload as { instanceId: string }).instanceId);
    });
    this.relay.start();
    void this.watchRuntime();
    await this.resync();
    this.scheduleDiskCheck();
    this.logger.info(`worker ${this.config.workerId}: ${this.runtime.kind} runtime, bus ${this.infra.bus.kind}`);
  }

  /**
   * The runtime this worker was started with is the platform's `local` cluster: made sure of, with its capacity read
   * when nobody has yet, so that instances can be placed on it before the API's first check.
   */
  private async prepareLocalCluster(): Promise<void> {
    await ensureLocalCluster(this.clusters, this.config.localCluster);
    const local = (await this.clusters.list()).find((cluster) => cluster.name === 'local');
    if (!local || local.allocatableMemoryMb !== null) return;
    const credentials = await this.clusters.credentials(local.id);
    if (credentials === undefined) return;
    try {
      await this.clusters.recordProbe(local.id, { capacity: await new RuntimeClusterProbe().probe(local.kind, credentials) });
    } catch (error) {
      this.logger.error(`local cluster: its capacity could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  nudge(instanceId: string): void {
    this.scheduler.nudge(instanceId);
  }

  /** Reconciles every live instance and takes over unfollowed logs (catches anything a nudge missed). */
  async resync(): Promise<void> {
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    try {
      // Isolation (firewall rules, build network) is re-checked and repaired here, not only at deploys.
      await this.ping();
    } catch (error) {
      this.logger.error(`runtime check: ${String(error)}`);
    }
    try {
      for (const id of await this.work.listLiveIds()) this.nudge(id);
      for (const id of await this.work.listRunningWithoutFollower()) this.nudge(id);
    } catch (error) {
      this.logger.error(`resync: ${String(error)}`);
    }
    if (!this.controller.signal.aborted) this.resyncTimer = setTimeout(() => void this.resync(), this.config.resyncMs);
  }

  private scheduleDiskCheck(): void {
    this.diskTimer = setTimeout(async () => {
      await this.disk.check().catch((error: unknown) => this.logger.error(`disk check: ${String(error)}`));
      if (!this.controller.signal.aborted) this.scheduleDiskCheck();
    }, this.config.diskCheckMs);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    if (this.diskTimer) clearTimeout(this.diskTimer);
    await this.stopConsuming?.();
    await this.relay.stop();
    await this.scheduler.stop();
    await this.followers.stopAll();
    await this.decoder.close();
    await this.runtime.workload.close();
  }

  /** The builder and the workload answer and their isolation is in place. */
  private async ping(): Promise<void> {
    await this.runtime.builder.ping();
    await this.runtime.workload.ping();
  }

  /** Every change the engine reports (a bot died, was OOM-killed, started…) nudges its instance; a broken stream is reopened. */
  private async watchRuntime(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted) {
      try {
        await this.runtime.workload.watch((instanceId) => this.nudge(instanceId), signal);
      } catch (error) {
        if (!signal.aborted) this.logger.error(`${this.runtime.kind} events: ${String(error)}`);
      }
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
