import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { prepareSource, SourceError } from '@zapdeploy/builder';
import { renderSystemMessage, type SystemMessageCode, type SystemMessageParams } from '@zapdeploy/contracts';
import type {
  ClusterRepository,
  InstanceRepository,
  Lease,
  LeaseRepository,
  SessionTransferRepository,
  WorkerInstanceRepository,
  WorkItem,
} from '@zapdeploy/db';
import {
  type AppliedLimits,
  containerAction,
  INITIAL_STATE,
  type InstanceStatus,
  isPaymentHold,
  isSystemPauseReason,
  keptLimits,
  limitsAfter,
  sameAppliedLimits,
  sameRuntimeLimits,
  statusOfRunning,
} from '@zapdeploy/domain';
import { GithubApiError } from '@zapdeploy/github';
import { ArchiveTooLargeError, type SessionArchiveStore } from '@zapdeploy/infra';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import { BuildFailedError, type RuntimePorts, removeInstance } from '@zapdeploy/runtime';
import { gzipSessionTar, SessionArchiveError, sessionArchiveLimits } from '@zapdeploy/runtime/session-archive';
import type { LimitFunction } from 'p-limit';
import type { ClusterRouter } from './cluster-router.js';
import type { WorkerConfig } from './config.js';
import { moveInstance } from './instance-move.js';
import { fencedPorts, holdLease, LeaseLostError } from './lease-guard.js';
import type { LogFollowers } from './log-followers.js';
import { LogWriter } from './log-writer.js';
import type { StatusEvents } from './status-events.js';

export type ReconcilerDeps = {
  readonly config: WorkerConfig;
  /** Every cluster's runtime; calls about an instance go to the cluster it is placed on. */
  readonly runtime: ClusterRouter;
  /** Where instances are placed (a cluster with room for their plan) before they first run. */
  readonly clusters: Pick<ClusterRepository, 'place'>;
  readonly leases: LeaseRepository;
  readonly work: WorkerInstanceRepository;
  readonly instances: InstanceRepository;
  readonly logStore: LogStore;
  /** WhatsApp session backups and restores asked for by the owner. */
  readonly sessions: SessionTransferRepository;
  /** Where their archives are kept. */
  readonly archives: SessionArchiveStore;
  readonly followers: LogFollowers;
  readonly events: StatusEvents;
  /** A token to clone a private repository through its GitHub App installation. */
  readonly installationToken: (installationId: string) => Promise<string>;
  /** This worker's build slots (ZAPDEPLOY_MAX_CONCURRENT_BUILDS): a clone and build runs inside one. */
  readonly buildSlots: LimitFunction;
  /** The operator's log (details never shown to users, such as why a clone failed; a lost lease). */
  readonly log: (line: string) => void;
};

/**
 * Brings one instance's runtime in line with its desired state, idempotently: build what is queued,
 * stop-then-start the wanted deployment, apply plan limits, pause, delete. Holds the instance's
 * reconcile lease throughout; every write is fenced by it.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(instanceId: string): Promise<'done' | 'retry'> {
    const { leases, work, config } = this.deps;
    const lease = await leases.acquire(`reconcile:${instanceId}`, config.workerId, config.leaseMs);
    if (!lease) return 'retry';
    const hold = holdLease(leases, lease, config.leaseMs, (error) => this.deps.log(`renewing ${lease.resource}: ${String(error)}`));
    // Once the lease is lost, every runtime call throws: the worker that took it over acts from then on.
    const runtime = fencedPorts(this.deps.runtime, hold.signal);
    try {
      for (let round = 0; round < 5; round += 1) {
        const item = await work.load(instanceId);
        if (!item) return 'done';
        await this.step(item, lease, runtime, hold.signal);
        const after = await work.load(instanceId);
        if (!after) return 'done';
        if (after.generation === item.generation) {
          await work.markObserved(instanceId, lease, item.generation);
          return 'done';
        }
      }
      return 'retry';
    } catch (error) {
      if (!(hold.signal.reason instanceof LeaseLostError)) throw error;
      this.deps.log(`reconcile ${instanceId}: stopped, the lease was lost (${error instanceof Error ? error.message : String(error)})`);
      return 'done';
    } finally {
      hold.stop();
      if (!hold.signal.aborted) await leases.release(lease);
    }
  }

  private async step(loaded: WorkItem, lease: Lease, runtime: RuntimePorts, leaseSignal: AbortSignal): Promise<void> {
    let item = loaded;
    const { work, followers } = this.deps;
    const { workload, volume } = runtime;
    if (item.desiredState === 'deleted') {
      await followers.stop(item.id);
      await removeInstance(runtime, item.id);
      // Its logs, build logs and WhatsApp state go with it (before it is marked deleted: a failure is retried).
      const deploymentKeys = (await work.deploymentIds(item.id)).map((id) => logKeys.deployment(id));
      await this.deps.logStore.remove([logKeys.instance(item.id), logKeys.whatsapp(item.id), ...deploymentKeys]);
      if (await work.markDeleted(item.id, lease)) await this.deps.events.publish(item.ownerId, item.id, 'deleted', null);
      return;
    }
    if (item.clusterId === null) {
      if (!(await this.deps.clusters.place(item.id))) {
        // Resync tries again: room may free up, or an operator may add a cluster.
        if (await this.setStatus(item, lease, 'failed', 'no_capacity')) await this.system(item.id, 'no_capacity');
        return;
      }
    } else if (item.targetClusterId && item.targetClusterId !== item.clusterId) {
      await this.system(item.id, 'instance_moving');
      await moveInstance({ router: this.deps.runtime, work, followers, log: this.deps.log }, item, lease, leaseSignal);
      const moved = await work.load(item.id);
      if (!moved) return;
      item = moved;
    }
    // A restore stops the bot: it is started again below, like a resume.
    const restored = await this.transferSessions(item, runtime);
    const deployment = item.deployment;
    if (!deployment) {
      await this.setStatus(item, lease, 'failed', 'no_deployment');
      return;
    }
    if (item.desiredState === 'paused' && !deployment.image) {
      await this.setStatus(item, lease, 'paused', pausedReason(item));
      return;
    }
    let image = deployment.image;
    if (!image && (deployment.status === 'queued' || deployment.status === 'building')) {
      const { buildSlots } = this.deps;
      if (buildSlots.activeCount >= buildSlots.concurrency) {
        await this.system(item.id, 'deploy_queued', { n: deployment.number });
      }
      image = await buildSlots(() => this.build(item, deployment.id, deployment.number, lease, runtime, leaseSignal));
    }
    const observed = await workload.observe(item.id);
    if (!image) {
      // A failed build leaves the previous deployment running, if there is one.
      if (observed.exists && observed.running && item.desiredState === 'running') {
        await this.setStatus(item, lease, 'running', `deploy_failed:${deployment.number}`);
        await followers.ensure(item.id, item.ownerId);
      } else {
        await this.setStatus(item, lease, 'failed', (await this.failureOf(deployment.id)) ?? 'build_failed');
      }
      return;
    }
    if (item.desiredState === 'paused') {
      await workload.stop(item.id);
      await followers.stop(item.id);
      // Said once, when it changes: resync passes here every few seconds.
      if (await this.setStatus(item, lease, 'paused', pausedReason(item))) await this.system(item.id, 'instance_paused');
      return;
    }
    if (item.pendingSessionResets > 0) {
      // Log out: stop the bot, delete its session folders, and start it again (new container) to pair anew.
      await workload.stop(item.id);
      await volume.clearSessions(item.id);
      await work.sessionResetsApplied(item.id, lease, item.sessionResets);
      await this.deps.logStore.append(logKeys.whatsapp(item.id), [{ ts: new Date().toISOString(), stream: 'system', line: JSON.stringify(INITIAL_STATE) }]);
      await this.system(item.id, 'session_cleared');
    }
    const env = await this.deps.instances.readEnv(item.id);
    const revision = revisionOf(env, item.restartRequests, item.sessionResets);
    // A running bot keeps the limits it was started with until its next (re)start, unless its plan is another one now.
    const kept = keptLimits(item.plan, item.appliedLimits);
    const wanted = { deploymentId: deployment.id, revision, cpuMillis: kept.cpuMillis, memoryMb: kept.memoryMb };
    // A (re)start takes the plan's current limits.
    const current = { cpuMillis: item.plan.cpuMillis, memoryMb: item.plan.memoryMb, diskMb: item.plan.diskMb };
    const spec = { instanceId: item.id, deploymentId: deployment.id, artifact: image, env, limits: current, revision };
    let action = containerAction(observed, wanted, item.status === 'paused' || restored);
    // Recorded before the runtime is touched: a step that fails after it is retried towards the same limits.
    let applied = await this.recordLimits(item, lease, item.appliedLimits, limitsAfter(action, item.plan, item.appliedLimits));
    if (action === 'update_limits' && !(await workload.updateLimits(item.id, kept))) action = 'replace';
    if (action === 'start' && observed.limits && !sameRuntimeLimits(observed.limits, current) && !(await workload.updateLimits(item.id, current))) {
      action = 'replace';
    }
    applied = await this.recordLimits(item, lease, applied, limitsAfter(action, item.plan, item.appliedLimits));
    if (action === 'replace') {
      await this.setStatus(item, lease, 'starting', null);
      await this.system(item.id, observed.exists ? 'deploy_restarting' : 'deploy_starting', { n: deployment.number });
      await workload.replace(spec);
      await work.deploymentLive(item.id, deployment.id);
      await this.pruneArtifacts(item.id, deployment.id);
    } else if (action === 'start') {
      await this.setStatus(item, lease, 'starting', null);
      await workload.start(item.id);
      await this.system(item.id, 'instance_resumed');
    } else if (action === 'update_limits') {
      await this.system(item.id, 'plan_applied', { cpu: kept.cpuMillis / 1000, memory: kept.memoryMb });
    }
    await followers.ensure(item.id, item.ownerId);
    const now = statusOfRunning(await workload.observe(item.id), applied.memoryMb);
    await this.setStatus(item, lease, now.status, now.reason);
  }

  private async build(
    item: WorkItem,
    deploymentId: string,
    number: number,
    lease: Lease,
    runtime: RuntimePorts,
    leaseSignal: AbortSignal,
  ): Promise<string | null> {
    const { config, work, logStore } = this.deps;
    const log = new LogWriter(logStore, logKeys.deployment(deploymentId), { linesPerSecond: config.logLinesPerSecond });
    const workDir = path.resolve(config.infra.dataDir, 'builds', deploymentId);
    await work.deploymentStarted(deploymentId, 'building');
    await this.setStatus(item, lease, 'building', null);
    await this.system(item.id, 'deploy_cloning', { n: number, target: `${item.repoUrl}${item.branch ? ` (${item.branch})` : ''}` });
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), config.buildTimeoutMs);
    try {
      const token = item.githubInstallationId ? await this.deps.installationToken(item.githubInstallationId) : undefined;
      const prepared = await prepareSource({
        ...(token ? { token } : {}),
        repoUrl: item.repoUrl,
        branch: item.branch,
        rootDir: item.rootDir,
        workDir,
        allowPrivateHosts: config.allowPrivateGitHosts,
        timeoutMs: config.cloneTimeoutMs,
        maxBytes: config.maxRepoBytes,
        caFile: config.buildCaFile ?? null,
        nodeImage: config.nodeImage,
        pythonImage: config.pythonImage,
        allowedRegistries: config.buildRegistries,
      });
      log.write('build', `commit ${prepared.commitSha} (${prepared.branch}); build: ${describePlan(prepared.plan)}`);
      for (const note of prepared.notes) log.write('build', `note: ${note}`);
      if (prepared.plan.kind === 'node' && prepared.plan.chromium && item.plan.memoryMb < 512) {
        log.write(
          'build',
          `aviso: este bot usa um navegador (Chromium); o plano ${item.plan.name} tem ${item.plan.memoryMb} MB e o Chromium costuma precisar de 512 MB ou mais.`,
        );
      }
      const { artifact, sessionPersistence } = await runtime.builder.build({
        instanceId: item.id,
        deploymentId,
        contextDir: prepared.contextDir,
        dockerfile: prepared.dockerfile,
        baseImages: prepared.baseImages,
        commands: prepared.plan.kind === 'dockerfile' ? null : { install: prepared.plan.install, build: prepared.plan.build, start: prepared.plan.start },
        onLine: (line) => log.write('build', line),
        signal: AbortSignal.any([controller.signal, leaseSignal]),
      });
      await work.deploymentBuilt(deploymentId, artifact, prepared.commitSha, sessionPersistence);
      log.write('build', `build ok: ${artifact}`);
      return artifact;
    } catch (error) {
      if (leaseSignal.aborted) throw error; // not this worker's deployment any more
      const reason =
        error instanceof GithubApiError && [401, 403, 404].includes(error.status)
          ? 'repo_private: the GitHub App installation no longer gives access to this repository'
          : error instanceof SourceError
            ? `${error.code}: ${error.hint}`
            : error instanceof BuildFailedError
              ? `${error.code}: ${error.reason}`
              : controller.signal.aborted
                ? `build_timeout: the build took longer than ${Math.round(config.buildTimeoutMs / 1000)} s`
                : undefined;
      if (!reason) throw error; // infrastructure trouble: the reconcile is retried
      if (error instanceof SourceError && error.detail) this.deps.log(`deployment ${deploymentId} (${item.repoUrl}): ${error.code}: ${error.detail}`);
      log.write('build', `✖ ${reason}`);
      await work.deploymentFailed(deploymentId, reason);
      await this.system(item.id, 'deploy_failed', { n: number, reason });
      return null;
    } finally {
      clearTimeout(timeout);
      await log.flush();
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Old images go once a deployment is live; the one before it stays for a rollback. Never fails the reconcile. */
  private async pruneArtifacts(instanceId: string, deploymentId: string): Promise<void> {
    try {
      await this.deps.runtime.builder.pruneArtifacts(instanceId, await this.deps.work.imagesToKeep(instanceId, deploymentId));
    } catch (error) {
      this.deps.log(`pruning the images of ${instanceId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async failureOf(deploymentId: string): Promise<string | null> {
    const reason = await this.deps.work.deploymentError(deploymentId);
    return reason ? (reason.split(':')[0] ?? null) : null;
  }

  /** Records the limits the workload runs with (see keptLimits) when they are not the ones recorded; returns them. */
  private async recordLimits(item: WorkItem, lease: Lease, recorded: AppliedLimits | null, next: AppliedLimits): Promise<AppliedLimits> {
    if (!sameAppliedLimits(recorded, next)) await this.deps.work.limitsApplied(item.id, lease, next);
    return next;
  }

  /** Writes the status if it changed (and announces it); true when it changed. */
  private async setStatus(item: WorkItem, lease: Lease, status: InstanceStatus, reason: string | null): Promise<boolean> {
    const changed = await this.deps.work.setStatus(item.id, lease, status, reason);
    if (changed) await this.deps.events.publish(item.ownerId, item.id, status, reason);
    return changed;
  }

  /**
   * Backups read the session folders from the volume into the archive store; restores stop the bot and replace them
   * (it starts again below). An instance held for payment gets nothing restored.
   */
  private async transferSessions(item: WorkItem, runtime: RuntimePorts): Promise<boolean> {
    const { sessions, archives, config } = this.deps;
    const instanceId = item.id;
    let restored = false;
    for (const transfer of await sessions.pending(instanceId)) {
      try {
        if (transfer.direction === 'backup') {
          const limits = sessionArchiveLimits(config.infra.sessionArchiveMaxBytes);
          const bytes = await runtime.volume.exportSessions(instanceId, (tar) =>
            archives.write(transfer.id, gzipSessionTar(tar, limits.maxBytes), limits.maxCompressedBytes),
          );
          if (bytes === undefined) {
            await sessions.failed(transfer.id, 'no_session');
            continue;
          }
          if (!(await sessions.done(transfer.id, bytes))) await archives.remove(transfer.id);
          else await this.system(instanceId, 'session_backup_ready');
        } else {
          if (isPaymentHold(item.statusReason)) {
            await sessions.failed(transfer.id, 'instance_unpaid');
            await archives.remove(transfer.id);
            continue;
          }
          await runtime.workload.stop(instanceId);
          // pipeline, not pipe: a missing or tampered archive fails the import instead of leaving it waiting.
          const tar = createGunzip();
          // Its failure destroys `tar`, so importSessions rejects with it below: reported there, once.
          pipeline(archives.read(transfer.id), tar).catch(() => undefined);
          await runtime.volume.importSessions(instanceId, tar, item.plan.diskMb);
          await sessions.done(transfer.id);
          await archives.remove(transfer.id);
          restored = true;
          await this.deps.logStore.append(logKeys.whatsapp(instanceId), [
            { ts: new Date().toISOString(), stream: 'system', line: JSON.stringify(INITIAL_STATE) },
          ]);
          await this.system(instanceId, 'session_restored');
        }
      } catch (error) {
        await sessions.failed(
          transfer.id,
          error instanceof ArchiveTooLargeError || error instanceof SessionArchiveError
            ? 'too_big'
            : error instanceof Error
              ? error.message.slice(0, 300)
              : 'failed',
        );
        await archives.remove(transfer.id);
      }
    }
    return restored;
  }

  /** A line of the platform's own in the instance's log: stored as a code (said in each reader's language) and in pt-BR. */
  private async system(instanceId: string, code: SystemMessageCode, params: SystemMessageParams = {}): Promise<void> {
    await this.deps.logStore.append(logKeys.instance(instanceId), [
      { ts: new Date().toISOString(), stream: 'system', line: renderSystemMessage(code, params), message: { code, params } },
    ]);
  }
}

/** Changes when the container must be recreated for the same deployment: new env or a restart request. */
export function revisionOf(env: Readonly<Record<string, string>>, restartRequests: number, sessionResets = 0): string {
  const sorted = Object.keys(env)
    .sort()
    .map((key) => [key, env[key]]);
  const parts = sessionResets > 0 ? [sorted, restartRequests, sessionResets] : [sorted, restartRequests];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

function describePlan(plan: { kind: string; source?: string }): string {
  return plan.kind === 'dockerfile' ? 'Dockerfile do repositório' : `${plan.kind} (${plan.source})`;
}

/** Why a paused instance is paused: a reason the platform set (disk, payment) stays until it is resumed. */
function pausedReason(item: WorkItem): string | null {
  return item.status === 'paused' || isSystemPauseReason(item.statusReason) ? item.statusReason : null;
}
