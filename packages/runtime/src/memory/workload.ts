import type { Workload } from '../ports.js';
import { ABSENT, type InstanceSpec, type ObservedState, type OutputLine, type ResourceLimits } from '../runtime.js';
import type { MemoryEngine, MemoryInstance } from './engine.js';

/** Instances of the memory engine: the same lifecycle as Docker's (stop-then-start, restart on failure, limits, OOM). */
export class MemoryWorkload implements Workload {
  constructor(private readonly engine: MemoryEngine) {}

  async ping(): Promise<void> {}

  async replace(spec: InstanceSpec): Promise<void> {
    const script = this.engine.artifacts.get(spec.artifact);
    if (!script) throw new Error(`no such artifact: ${spec.artifact}`);
    const previous = this.engine.instances.get(spec.instanceId);
    if (previous) this.engine.stop(previous);
    const instance: MemoryInstance = {
      spec,
      script,
      running: false,
      restarting: false,
      exitCode: null,
      oomKilled: false,
      restartCount: 0,
      startedAt: null,
      finishedAt: null,
      timer: undefined,
      output: undefined,
    };
    this.engine.instances.set(spec.instanceId, instance);
    if (!this.engine.volumes.has(spec.instanceId)) this.engine.volumes.set(spec.instanceId, new Map());
    this.engine.run(instance);
  }

  async start(instanceId: string): Promise<void> {
    const instance = this.engine.instances.get(instanceId);
    if (!instance) throw new Error(`no such instance: ${instanceId}`);
    if (instance.running) return;
    instance.restartCount = 0;
    this.engine.run(instance);
  }

  async stop(instanceId: string): Promise<void> {
    const instance = this.engine.instances.get(instanceId);
    if (instance) this.engine.stop(instance);
  }

  async restart(instanceId: string): Promise<void> {
    const instance = this.engine.instances.get(instanceId);
    if (!instance) throw new Error(`no such instance: ${instanceId}`);
    this.engine.stop(instance);
    this.engine.run(instance);
  }

  async updateLimits(instanceId: string, limits: ResourceLimits): Promise<boolean> {
    const instance = this.engine.instances.get(instanceId);
    if (!instance) throw new Error(`no such instance: ${instanceId}`);
    if (!this.engine.settings.updateLimitsInPlace) return false;
    instance.spec = { ...instance.spec, limits };
    // A bot that needs more memory than its new limit is killed for it, as the kernel would.
    const { memoryMb } = instance.script;
    if (instance.running && memoryMb !== null && memoryMb > limits.memoryMb && !instance.timer) {
      instance.timer = setTimeout(() => this.engine.exit(instance, 137, true), this.engine.settings.exitAfterMs);
    }
    return true;
  }

  async observe(instanceId: string): Promise<ObservedState> {
    const instance = this.engine.instances.get(instanceId);
    if (!instance) return ABSENT;
    return {
      exists: true,
      running: instance.running,
      restarting: instance.restarting,
      deploymentId: instance.spec.deploymentId,
      revision: instance.spec.revision,
      exitCode: instance.running ? null : instance.exitCode,
      oomKilled: instance.oomKilled,
      restartCount: instance.restartCount,
      limits: instance.spec.limits,
      startedAt: instance.startedAt,
      finishedAt: instance.finishedAt,
      error: null,
    };
  }

  async remove(instanceId: string): Promise<void> {
    const instance = this.engine.instances.get(instanceId);
    if (!instance) return;
    this.engine.stop(instance);
    this.engine.instances.delete(instanceId);
    this.engine.changed(instanceId);
  }

  async follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void> {
    const instance = this.engine.instances.get(instanceId);
    for (const line of instance?.output ?? []) if (!since || line.ts > since) onLine(line);
    if (!instance?.running || signal.aborted) return;
    const { events } = this.engine;
    await new Promise<void>((resolve) => {
      const onOutput = (line: OutputLine) => onLine(line);
      const finish = () => {
        events.off(`line:${instanceId}`, onOutput);
        events.off(`exit:${instanceId}`, finish);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      events.on(`line:${instanceId}`, onOutput);
      events.once(`exit:${instanceId}`, finish);
      signal.addEventListener('abort', finish, { once: true });
    });
  }

  async list(): Promise<string[]> {
    return [...this.engine.instances.keys()];
  }

  async watch(onChange: (instanceId: string) => void, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const { events } = this.engine;
    await new Promise<void>((resolve) => {
      events.on('change', onChange);
      signal.addEventListener(
        'abort',
        () => {
          events.off('change', onChange);
          resolve();
        },
        { once: true },
      );
    });
  }

  async readFile(instanceId: string, name: string, maxBytes: number): Promise<Buffer | undefined> {
    if (name.includes('..') || name.startsWith('/')) return undefined;
    const file = this.engine.instances.get(instanceId)?.script.files.get(name);
    return file && file.length <= maxBytes ? Buffer.from(file) : undefined;
  }

  async close(): Promise<void> {
    this.engine.shutdown();
  }
}
