import type { InstanceStatus } from './instance-lifecycle.js';

export type Observation = {
  readonly exists: boolean;
  readonly running: boolean;
  readonly restarting: boolean;
  readonly deploymentId: string | null;
  readonly revision: string | null;
  readonly exitCode: number | null;
  readonly oomKilled: boolean;
  readonly limits: { readonly cpuMillis: number; readonly memoryMb: number } | null;
};

export type Wanted = {
  readonly deploymentId: string;
  readonly revision: string;
  readonly cpuMillis: number;
  readonly memoryMb: number;
};

export type ContainerAction = 'replace' | 'update_limits' | 'start' | 'none';

/**
 * What to do to the runtime so that an instance meant to run runs the wanted deployment, env and limits (those it
 * keeps: see keptLimits).
 * `resuming`: the instance was paused (its container stopped on purpose), so a stopped container is started
 * whatever its exit code; otherwise a stopped container with an exit code crashed, and is left to the restart policy.
 */
export function containerAction(observed: Observation, wanted: Wanted, resuming = false): ContainerAction {
  if (!observed.exists || observed.deploymentId !== wanted.deploymentId || observed.revision !== wanted.revision) return 'replace';
  // A start applies the plan's current limits itself (see limitsAfter), so it comes before an update of the limits.
  if (!observed.running && !observed.restarting && (resuming || observed.exitCode === null)) return 'start';
  if (observed.limits && (observed.limits.cpuMillis !== wanted.cpuMillis || observed.limits.memoryMb !== wanted.memoryMb)) return 'update_limits';
  return 'none';
}

/**
 * The status users see for an instance meant to run, from what the runtime reports, with a reason
 * code (`oom_killed:<MB>`, `exit_code:<n>`) the UI translates.
 */
export function statusOfRunning(observed: Observation, memoryMb: number): { status: InstanceStatus; reason: string | null } {
  if (!observed.exists) return { status: 'starting', reason: null };
  if (observed.running) return { status: 'running', reason: null };
  const why = observed.oomKilled ? `oom_killed:${memoryMb}` : observed.exitCode !== null ? `exit_code:${observed.exitCode}` : null;
  if (observed.restarting) return { status: 'starting', reason: why ? `restarting:${why}` : null };
  if (observed.exitCode === null) return { status: 'starting', reason: null };
  return { status: 'crashed', reason: why };
}
