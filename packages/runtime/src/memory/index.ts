import type { RuntimePorts } from '../ports.js';
import { MemoryEngine, type MemoryRuntimeOptions } from './engine.js';
import { MemoryImageBuilder } from './image-builder.js';
import { MemoryInstanceVolume } from './volume.js';
import { MemoryWorkload } from './workload.js';

export { type BotScript, MEMORY_BOT_FILE } from './bot-script.js';
export { MemoryEngine, type MemoryRuntimeOptions } from './engine.js';
export { MemoryImageBuilder, memoryArtifact } from './image-builder.js';
export { MemoryInstanceVolume } from './volume.js';
export { MemoryWorkload } from './workload.js';

/**
 * The in-memory runtime: a fake engine for fast worker tests and control-plane benchmarks (thousands of instances in
 * one process). Bots do what their build context's `memory-bot.json` says. Runs nothing real, so the worker accepts
 * it only where ProcessRuntime would be accepted (a closed, loopback-only install).
 */
export function createMemoryRuntime(options: MemoryRuntimeOptions = {}): RuntimePorts & { readonly engine: MemoryEngine } {
  const engine = new MemoryEngine(options);
  return { kind: 'memory', engine, builder: new MemoryImageBuilder(engine), workload: new MemoryWorkload(engine), volume: new MemoryInstanceVolume(engine) };
}
