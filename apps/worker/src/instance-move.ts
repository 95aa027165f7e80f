import type { Lease, WorkerInstanceRepository, WorkItem } from '@zapdeploy/db';
import type { RuntimePorts } from '@zapdeploy/runtime';
import type { ClusterRouter } from './cluster-router.js';
import { fencedPorts } from './lease-guard.js';
import type { LogFollowers } from './log-followers.js';

export type MoveDeps = {
  readonly router: ClusterRouter;
  readonly work: WorkerInstanceRepository;
  readonly followers: LogFollowers;
  readonly log: (line: string) => void;
};

/**
 * Moves an instance to the cluster an operator (or a drain) chose, never running two copies and keeping its WhatsApp
 * session: stop it where it runs and wait until it is gone, copy its session folders to the target's volume, make its
 * image runnable there, record the move, then take it off the source. The reconcile goes on to start it on the target.
 * Each step can be run again after a crash: a second copy finds nothing left to copy and the target's copy stays.
 */
export async function moveInstance(deps: MoveDeps, item: WorkItem, lease: Lease, signal: AbortSignal): Promise<void> {
  const { router, work, followers } = deps;
  const targetId = item.targetClusterId;
  if (!targetId || targetId === item.clusterId) return;
  const source: RuntimePorts = fencedPorts(await router.portsOf(item.clusterId), signal);
  const target: RuntimePorts = fencedPorts(await router.portsOf(targetId), signal);
  await followers.stop(item.id);
  await source.workload.stop(item.id);
  // The plan's disk: a volume the target creates for the sessions is the one the bot runs with there.
  await source.volume.exportSessions(item.id, (tar) => target.volume.importSessions(item.id, tar, item.plan.diskMb));
  const deployment = item.deployment;
  if (deployment?.image) {
    const adopted = await target.builder.adopt(deployment.image);
    if (adopted) await work.relocateImage(deployment.id, adopted);
    else await work.deploymentRequeued(deployment.id);
  }
  if (!(await work.completeMove(item.id, lease, targetId))) return;
  // Off the source (its images stay: the next deploys prune them, and another cluster of this host may use them).
  try {
    await source.workload.remove(item.id);
    await source.volume.remove(item.id);
  } catch (error) {
    deps.log(`move ${item.id}: left on the source cluster: ${error instanceof Error ? error.message : String(error)}`);
  }
}
