export { createDockerRuntime, DockerImageBuilder, DockerInstanceVolume, type DockerRuntimeOptions, DockerWorkload } from './docker/index.js';
export { BOT_USER, CA_PATH_IN_CONTAINER, containerCreateOptions, LABELS, names } from './docker-spec.js';
export { BLOCKED_RANGES, isolationRules } from './firewall.js';
export { LineSplitter, MAX_LINE_BYTES } from './line-splitter.js';
export { createMemoryRuntime, MEMORY_BOT_FILE, MemoryEngine, type MemoryRuntimeOptions, memoryArtifact } from './memory/index.js';
export type { BuiltArtifact, ImageBuilder, InstanceVolume, RuntimeKind, RuntimePorts, Workload } from './ports.js';
export { createProcessRuntime, type ProcessRuntimeOptions } from './process/index.js';
export { removeInstance } from './remove-instance.js';
export {
  ABSENT,
  BuildFailedError,
  type BuildRequest,
  type InstanceSpec,
  type ObservedState,
  type OutputLine,
  type ResourceLimits,
} from './runtime.js';
