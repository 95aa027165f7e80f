import type { Lease, LeaseRepository } from '@zapdeploy/db';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import type { Workload } from '@zapdeploy/runtime';
import { LogWriter } from './log-writer.js';

type Follower = { readonly controller: AbortController; readonly done: Promise<void> };

/**
 * Follows the output of the instances whose log lease this worker holds, into their log streams.
 * Survives container restarts and replacements; resumes after the last stored line.
 */
export class LogFollowers {
  private readonly followers = new Map<string, Follower>();

  constructor(
    private readonly deps: {
      readonly workload: Pick<Workload, 'observe' | 'follow'>;
      readonly leases: LeaseRepository;
      readonly logStore: LogStore;
      readonly workerId: string;
      readonly linesPerSecond: number;
      readonly leaseMs: number;
      /** Called for every line, after it is queued for storage (QR detection hooks in here). */
      readonly onLine?: (instanceId: string, line: string) => void;
      /** Told about failures that must not stop following (a lease not released, a line hook that threw). */
      readonly log: (message: string) => void;
    },
  ) {}

  /** Starts following unless this worker already does, or another worker holds the log lease. */
  async ensure(instanceId: string, _ownerId: string | null): Promise<boolean> {
    if (this.followers.has(instanceId)) return true;
    const lease = await this.deps.leases.acquire(`logs:${instanceId}`, this.deps.workerId, this.deps.leaseMs);
    if (!lease) return false;
    if (this.followers.has(instanceId)) return true;
    const controller = new AbortController();
    const done = this.follow(instanceId, lease, controller.signal)
      .catch((error: unknown) => this.deps.log(`logs ${instanceId}: following stopped: ${describe(error)}`))
      .finally(() => {
        this.followers.delete(instanceId);
        // Not released (database away): the lease expires by itself, then any worker takes the logs over.
        this.deps.leases.release(lease).catch((error: unknown) => this.deps.log(`logs ${instanceId}: releasing the log lease failed: ${describe(error)}`));
      });
    this.followers.set(instanceId, { controller, done });
    return true;
  }

  async stop(instanceId: string): Promise<void> {
    const follower = this.followers.get(instanceId);
    if (!follower) return;
    follower.controller.abort();
    await follower.done;
  }

  following(): string[] {
    return [...this.followers.keys()];
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.followers.keys()].map((id) => this.stop(id)));
  }

  private async follow(instanceId: string, lease: Lease, signal: AbortSignal): Promise<void> {
    const key = logKeys.instance(instanceId);
    const writer = new LogWriter(this.deps.logStore, key, { linesPerSecond: this.deps.linesPerSecond });
    const renewal = setInterval(async () => {
      if (!(await this.deps.leases.renew(lease, this.deps.leaseMs).catch(() => false))) this.followers.get(instanceId)?.controller.abort();
    }, this.deps.leaseMs / 3);
    // The position is kept in memory once known, so that a log store outage neither stops following nor
    // reorders lines: the writer holds what it could not store and sends it, in order, when the store is back.
    let since: string | null | undefined;
    let hookFailed = false;
    const hook = (line: string) => {
      try {
        this.deps.onLine?.(instanceId, line);
      } catch (error) {
        // A parser's bug must not stop the logs (nor, thrown from a stream handler, the process): said once.
        if (!hookFailed) this.deps.log(`logs ${instanceId}: reading a line for WhatsApp failed: ${describe(error)}`);
        hookFailed = true;
      }
    };
    try {
      while (!signal.aborted) {
        try {
          const observed = await this.deps.workload.observe(instanceId);
          if (!observed.exists) break;
          if (observed.running || observed.restarting) {
            if (since === undefined) since = await this.lastOutputTime(key);
            await this.deps.workload.follow(
              instanceId,
              since,
              (line) => {
                since = line.ts;
                writer.write(line.stream, line.line, line.ts);
                hook(line.line);
              },
              signal,
            );
            void writer.flush();
          }
          await sleep(500, signal);
          const after = await this.deps.workload.observe(instanceId);
          // Stopped for good (paused or crashed): the reconciler starts following again when it runs.
          if (!after.running && !after.restarting) break;
        } catch {
          await sleep(1000, signal); // runtime or store unreachable for a moment: try again
        }
      }
    } finally {
      clearInterval(renewal);
      await writer.flush();
    }
  }

  /** Time of the last line that came from the bot (system lines are ours). */
  private async lastOutputTime(key: string): Promise<string | null> {
    const recent = await this.deps.logStore.tail(key, 50);
    for (let i = recent.length - 1; i >= 0; i -= 1) {
      const entry = recent[i];
      if (entry && (entry.stream === 'stdout' || entry.stream === 'stderr')) return entry.ts;
    }
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
