import type { ContainerAction } from './runtime-status.js';

/** The resources a bot's workload is given. */
export type Limits = { readonly cpuMillis: number; readonly memoryMb: number; readonly diskMb: number };

/** The limits an instance's workload was last (re)started with, and the plan they were taken from. */
export type AppliedLimits = Limits & { readonly planId: string };

/** An instance's plan as it is now (an operator may have edited its limits since the instance started). */
export type PlanNow = Limits & { readonly id: string };

/**
 * The limits a running instance keeps: those it was (re)started with while it is still on that plan, so that an
 * operator's edit of the plan reaches it only at its next restart; its plan's current limits once its plan is
 * another one (the owner's change, a paid upgrade, a courtesy or a downgrade apply at once), or when none were
 * recorded.
 */
export function keptLimits(plan: PlanNow, applied: AppliedLimits | null): Limits {
  const from = applied && applied.planId === plan.id ? applied : plan;
  return { cpuMillis: from.cpuMillis, memoryMb: from.memoryMb, diskMb: from.diskMb };
}

/**
 * The limits the workload runs with once `action` is done: a (re)start (`replace`: restart, redeploy, new env,
 * recreation after a crash or a move; `start`: resume after a pause) takes the plan's current limits; anything
 * else keeps what `keptLimits` says.
 */
export function limitsAfter(action: ContainerAction, plan: PlanNow, applied: AppliedLimits | null): AppliedLimits {
  const limits = action === 'replace' || action === 'start' ? keptLimits(plan, null) : keptLimits(plan, applied);
  return { planId: plan.id, ...limits };
}

/** Whether a workload's cpu and memory are these. */
export function sameRuntimeLimits(
  a: { readonly cpuMillis: number; readonly memoryMb: number },
  b: { readonly cpuMillis: number; readonly memoryMb: number },
): boolean {
  return a.cpuMillis === b.cpuMillis && a.memoryMb === b.memoryMb;
}

/** Whether two records of applied limits say the same (nothing to write). */
export function sameAppliedLimits(a: AppliedLimits | null, b: AppliedLimits): boolean {
  return a !== null && a.planId === b.planId && sameRuntimeLimits(a, b) && a.diskMb === b.diskMb;
}
