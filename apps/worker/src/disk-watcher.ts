import { InstanceReconcileV1 } from '@zapdeploy/contracts';
import type { LeaseRepository, OutboxRepository, WorkerInstanceRepository } from '@zapdeploy/db';
import type { InstanceVolume } from '@zapdeploy/runtime';

const MB = 1024 * 1024;

/**
 * The runtime cannot cap disk on every host, so one worker at a time measures each instance's disk
 * (writable layer + data volume) and pauses those over their plan, with the reason `disk_quota:<used>:<limit>`.
 */
export class DiskWatcher {
  constructor(
    private readonly deps: {
      readonly volume: Pick<InstanceVolume, 'diskUsage'>;
      readonly leases: LeaseRepository;
      readonly work: WorkerInstanceRepository;
      readonly outbox: OutboxRepository;
      readonly workerId: string;
      readonly intervalMs: number;
      readonly nudge: (instanceId: string) => void;
    },
  ) {}

  async check(): Promise<string[]> {
    const { leases, volume, work, outbox } = this.deps;
    const lease = await leases.acquire('disk-check', this.deps.workerId, this.deps.intervalMs);
    if (!lease) return [];
    const paused: string[] = [];
    const [usage, limits] = await Promise.all([volume.diskUsage(), work.diskLimits()]);
    for (const [id, bytes] of usage) {
      const limit = limits.get(id);
      if (!limit || bytes <= limit.diskMb * MB) continue;
      const reason = `disk_quota:${Math.ceil(bytes / MB)}:${limit.diskMb}`;
      const done = await work.pauseForDisk(id, reason, (generation, tx) =>
        outbox.add({ name: InstanceReconcileV1.name, version: InstanceReconcileV1.version, payload: { instanceId: id, generation, reason: 'disk_quota' } }, tx),
      );
      if (done) {
        paused.push(id);
        this.deps.nudge(id);
      }
    }
    return paused;
  }
}
