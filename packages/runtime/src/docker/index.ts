import type { RuntimePorts } from '../ports.js';
import { DockerContext, type DockerRuntimeOptions } from './context.js';
import { DockerImageBuilder } from './image-builder.js';
import { DockerInstanceVolume } from './volume.js';
import { DockerWorkload } from './workload.js';

export { DockerContext, type DockerRuntimeOptions } from './context.js';
export { DockerImageBuilder } from './image-builder.js';
export { DockerInstanceVolume } from './volume.js';
export { DockerWorkload } from './workload.js';

/** Bots in Docker containers on one host, through the Engine API (dockerode; no shell strings): one client for the three ports. */
export function createDockerRuntime(options: DockerRuntimeOptions): RuntimePorts {
  const context = new DockerContext(options);
  return { kind: 'docker', builder: new DockerImageBuilder(context), workload: new DockerWorkload(context), volume: new DockerInstanceVolume(context) };
}
