import { DomainError } from '../errors.js';

export const CLUSTER_KINDS = ['docker', 'kubernetes', 'process'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];
export const CLUSTER_STATUSES = ['active', 'cordoned', 'draining'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/** What placement knows of a cluster: its state, what it can give (null: never read) and what is already asked of it. */
export type ClusterLoad = {
  readonly id: string;
  readonly name: string;
  readonly status: ClusterStatus;
  readonly allocatableMemoryMb: number | null;
  readonly allocatableCpuMillis: number | null;
  /** The plans of the instances placed on it or on their way to it (moves), not deleted. */
  readonly requestedMemoryMb: number;
  readonly requestedCpuMillis: number;
  /**
   * How many times its CPU may be promised: 1 where a scheduler reserves requests (Kubernetes); more on a Docker host,
   * whose CPU limits are shares of time that idle bots leave to the others (memory is never over-committed).
   */
  readonly cpuOvercommit?: number;
};

/** CPU over-commit of engines that only limit CPU (Docker, local processes): bots are mostly idle. */
export const CPU_OVERCOMMIT_WITHOUT_SCHEDULER = 8;

export function cpuOvercommitOf(kind: ClusterKind): number {
  return kind === 'kubernetes' ? 1 : CPU_OVERCOMMIT_WITHOUT_SCHEDULER;
}

/** What an instance's plan asks for. */
export type Demand = { readonly memoryMb: number; readonly cpuMillis: number };

/** Memory left on a cluster once `demand` is placed there; null when it does not fit (memory or CPU) or was never read. */
export function memoryLeftAfter(cluster: ClusterLoad, demand: Demand): number | null {
  if (cluster.allocatableMemoryMb === null || cluster.allocatableCpuMillis === null) return null;
  const memoryLeft = cluster.allocatableMemoryMb - cluster.requestedMemoryMb - demand.memoryMb;
  const cpuLeft = cluster.allocatableCpuMillis * (cluster.cpuOvercommit ?? 1) - cluster.requestedCpuMillis - demand.cpuMillis;
  return memoryLeft >= 0 && cpuLeft >= 0 ? memoryLeft : null;
}

/**
 * Where an instance goes: an active cluster with room for its plan's memory and CPU, packed by memory (best fit: the
 * one with the least memory left afterwards; ties by name). Cordoned and draining clusters never get one. Null when
 * nothing fits (the caller says `no_capacity`).
 */
export function placeInstance(clusters: readonly ClusterLoad[], demand: Demand, options: { readonly exclude?: string } = {}): ClusterLoad | null {
  let best: { cluster: ClusterLoad; left: number } | null = null;
  for (const cluster of clusters) {
    if (cluster.status !== 'active' || cluster.id === options.exclude) continue;
    const left = memoryLeftAfter(cluster, demand);
    if (left === null) continue;
    if (!best || left < best.left || (left === best.left && cluster.name < best.cluster.name)) best = { cluster, left };
  }
  return best?.cluster ?? null;
}

/** An instance as a move or a drain sees it. */
export type PlacedInstance = Demand & {
  readonly id: string;
  /** Where it runs (null: not placed yet). */
  readonly clusterId: string | null;
  /** Where a move already recorded takes it (its plan is counted there already). */
  readonly targetClusterId: string | null;
};

/**
 * Checks that an instance may be moved to `target`: an active cluster, not the one it runs on, with room for its
 * plan. Throws DomainError: `same_cluster` / `cluster_not_active` (conflict), `no_capacity` (invalid).
 */
export function assertCanMove(instance: PlacedInstance, target: ClusterLoad): void {
  if (instance.clusterId === target.id) throw new DomainError('conflict', 'same_cluster', { cluster: target.name });
  if (target.status !== 'active') throw new DomainError('conflict', 'cluster_not_active', { cluster: target.name, status: target.status });
  // Asked again for the same target: its plan is already counted there.
  const load = instance.targetClusterId === target.id ? release(target, instance) : target;
  if (memoryLeftAfter(load, instance) === null) throw new DomainError('invalid', 'no_capacity', { cluster: target.name });
}

export type DrainPlan = {
  /** Each instance that can go, and where. */
  readonly moves: readonly { readonly instanceId: string; readonly targetClusterId: string }[];
  /** Instances no other cluster has room for: they stay (a later drain may move them). */
  readonly stuck: readonly string[];
};

/**
 * Where each instance of a draining cluster goes: each through placement (never back to `sourceId`), largest plans
 * first so that they find room while there is some, each move counted on its target before the next is placed.
 * Instances already on their way somewhere (a move recorded) are left to it.
 */
export function planDrain(sourceId: string, instances: readonly PlacedInstance[], clusters: readonly ClusterLoad[]): DrainPlan {
  const loads = new Map(clusters.map((cluster) => [cluster.id, cluster]));
  const moves: { instanceId: string; targetClusterId: string }[] = [];
  const stuck: string[] = [];
  const waiting = instances
    .filter((instance) => instance.clusterId === sourceId && instance.targetClusterId === null)
    .sort((a, b) => b.memoryMb - a.memoryMb || b.cpuMillis - a.cpuMillis || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const instance of waiting) {
    const target = placeInstance([...loads.values()], instance, { exclude: sourceId });
    if (!target) {
      stuck.push(instance.id);
      continue;
    }
    moves.push({ instanceId: instance.id, targetClusterId: target.id });
    loads.set(target.id, {
      ...target,
      requestedMemoryMb: target.requestedMemoryMb + instance.memoryMb,
      requestedCpuMillis: target.requestedCpuMillis + instance.cpuMillis,
    });
  }
  return { moves, stuck };
}

function release(cluster: ClusterLoad, demand: Demand): ClusterLoad {
  return {
    ...cluster,
    requestedMemoryMb: cluster.requestedMemoryMb - demand.memoryMb,
    requestedCpuMillis: cluster.requestedCpuMillis - demand.cpuMillis,
  };
}
