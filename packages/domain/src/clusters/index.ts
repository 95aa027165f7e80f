export {
  assertCanMove,
  CLUSTER_KINDS,
  CLUSTER_STATUSES,
  type ClusterKind,
  type ClusterLoad,
  type ClusterStatus,
  CPU_OVERCOMMIT_WITHOUT_SCHEDULER,
  cpuOvercommitOf,
  type Demand,
  type DrainPlan,
  memoryLeftAfter,
  type PlacedInstance,
  placeInstance,
  planDrain,
} from './placement.js';
export { type ClusterCapacity, type ClusterProbe, ClusterProbeError, PROBE_FAILURES, type ProbeFailure } from './probe.js';
