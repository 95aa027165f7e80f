import type { RuntimePorts } from '../ports.js';
import { ProcessContext, type ProcessRuntimeOptions } from './context.js';
import { ProcessImageBuilder } from './image-builder.js';
import { ProcessInstanceVolume } from './volume.js';
import { ProcessWorkload } from './workload.js';

export { ProcessContext, type ProcessRuntimeOptions } from './context.js';
export { ProcessImageBuilder } from './image-builder.js';
export { ProcessInstanceVolume } from './volume.js';
export { ProcessWorkload } from './workload.js';

/**
 * Bots as local child processes, for a laptop without Docker: no isolation and no enforced limits (the worker refuses
 * it while the install is open to others).
 */
export function createProcessRuntime(options: ProcessRuntimeOptions): RuntimePorts {
  const context = new ProcessContext(options);
  return { kind: 'process', builder: new ProcessImageBuilder(context), workload: new ProcessWorkload(context), volume: new ProcessInstanceVolume(context) };
}
