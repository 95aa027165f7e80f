import type { ClusterKind } from './placement.js';

/** What a cluster can give, summed over its nodes (memory in MiB, CPU in thousandths of a core). */
export type ClusterCapacity = {
  readonly capacityMemoryMb: number;
  readonly capacityCpuMillis: number;
  /** What bots may be given: Kubernetes nodes' allocatable (schedulable, ready nodes only); a Docker host's total. */
  readonly allocatableMemoryMb: number;
  readonly allocatableCpuMillis: number;
  readonly nodes: number;
};

/** Why a cluster could not be read; each has a translated text (problem `cluster_unreachable`). */
export const PROBE_FAILURES = [
  'invalid_endpoint',
  'invalid_kubeconfig',
  'kubeconfig_not_allowed',
  'socket_not_found',
  'permission_denied',
  'connection_refused',
  'host_not_found',
  'timeout',
  'tls',
  'unauthorized',
  'forbidden',
  'unexpected_answer',
] as const;
export type ProbeFailure = (typeof PROBE_FAILURES)[number];

/**
 * A cluster could not be read. `endpoint` (an address or socket path, never a secret) and `field` (a kubeconfig
 * field that is refused) help the operator; nothing of the credentials is carried.
 */
export class ClusterProbeError extends Error {
  constructor(
    readonly reason: ProbeFailure,
    readonly endpoint: string = '',
    readonly field: string = '',
  ) {
    super(`cluster probe failed: ${reason}${endpoint ? ` (${endpoint})` : ''}${field ? ` [${field}]` : ''}`);
    this.name = 'ClusterProbeError';
  }
}

/** Port: connects to a cluster with its credentials and reads its capacity; throws ClusterProbeError. */
export interface ClusterProbe {
  probe(kind: ClusterKind, credentials: string): Promise<ClusterCapacity>;
}
