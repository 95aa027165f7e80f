export { DockerRuntime, type DockerRuntimeOptions } from './docker-runtime.js';
export { BOT_USER, CA_PATH_IN_CONTAINER, containerCreateOptions, LABELS, names } from './docker-spec.js';
export { BLOCKED_RANGES, isolationRules } from './firewall.js';
export { LineSplitter, MAX_LINE_BYTES } from './line-splitter.js';
export type { BuiltArtifact, ImageBuilder, InstanceVolume, RuntimeKind, RuntimePorts, Workload } from './ports.js';
export { ProcessRuntime, type ProcessRuntimeOptions } from './process-runtime.js';
export {
  ABSENT,
  BuildFailedError,
  type BuildRequest,
  type InstanceSpec,
  type ObservedState,
  type OutputLine,
  type ResourceLimits,
  type Runtime,
} from './runtime.js';
