import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { InstanceSpec, OutputLine } from '../runtime.js';

export type ProcessRuntimeOptions = {
  readonly rootDir: string;
  readonly maxRestarts: number;
  readonly caFile?: string | undefined;
  /** What bots inherit from the host (PATH to find node/npm, HOME, LANG), from the worker's config. */
  readonly hostEnv: { readonly PATH: string | undefined; readonly HOME: string | undefined; readonly LANG: string };
};

export type Managed = {
  spec: InstanceSpec;
  child: ChildProcess | null;
  running: boolean;
  restarting: boolean;
  exitCode: number | null;
  restartCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  stopping: boolean;
  timer: NodeJS.Timeout | undefined;
};

/** Lines of output kept per instance, for `follow` to replay. */
const HISTORY = 2_000;

/**
 * What the process builder, workload and volume share: the directories under `rootDir` (`builds/<instance>/<deployment>`
 * for artifacts, `data/<instance>` for the volume), the processes this worker runs, their recent output, and the
 * events `follow` and `watch` listen to (`line:<id>`, `exit:<id>`, `change`).
 */
export class ProcessContext {
  readonly managed = new Map<string, Managed>();
  readonly output = new Map<string, OutputLine[]>();
  readonly events = new EventEmitter().setMaxListeners(0);

  constructor(readonly options: ProcessRuntimeOptions) {}

  buildsDir(instanceId: string): string {
    return path.resolve(this.options.rootDir, 'builds', instanceId);
  }

  dataDir(instanceId: string): string {
    return path.resolve(this.options.rootDir, 'data', instanceId);
  }

  record(instanceId: string, line: OutputLine): void {
    const lines = this.output.get(instanceId) ?? [];
    lines.push(line);
    if (lines.length > HISTORY) lines.splice(0, lines.length - HISTORY);
    this.output.set(instanceId, lines);
    this.events.emit(`line:${instanceId}`, line);
  }

  /** Tells watchers the instance changed (started, exited, stopped). */
  changed(instanceId: string): void {
    this.events.emit('change', instanceId);
  }

  baseEnv(): NodeJS.ProcessEnv {
    return {
      ...this.options.hostEnv,
      ...(this.options.caFile ? { NODE_EXTRA_CA_CERTS: this.options.caFile } : {}),
    };
  }
}

export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() ?? dir;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else total += (await lstat(full).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}
