import { EventEmitter } from 'node:events';
import type { InstanceSpec, OutputLine } from '../runtime.js';
import { type BotScript, expand } from './bot-script.js';

export type MemoryRuntimeOptions = {
  /** Restarts after a failure (non-zero exit or OOM) before the instance stays crashed, like Docker's on-failure policy. */
  readonly maxRestarts?: number;
  /** First restart delay; doubled at each restart. */
  readonly restartBackoffMs?: number;
  /** How long a bot that exits (or is killed for memory) runs before it does. */
  readonly exitAfterMs?: number;
  /** Output lines kept per instance for `follow` to replay. */
  readonly historyLines?: number;
  /** `updateLimits` applies in place (true) or asks for a replace (false). */
  readonly updateLimitsInPlace?: boolean;
};

/** One instance: at most one copy, which is either running, waiting for a restart, or stopped. */
export type MemoryInstance = {
  spec: InstanceSpec;
  script: BotScript;
  running: boolean;
  restarting: boolean;
  exitCode: number | null;
  oomKilled: boolean;
  restartCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  /** The pending exit (a crashing bot) or restart; only such instances hold a timer. */
  timer: NodeJS.Timeout | undefined;
  output: OutputLine[] | undefined;
};

/** Exit code of a bot stopped by SIGTERM (what Docker reports for a Node bot under tini). */
const STOPPED_EXIT_CODE = 143;

/**
 * The fake engine behind the memory runtime: artifacts, instances and volumes held in maps, bots "running" by printing
 * the lines their script says. A quiet running instance costs one small object (no timer, no listener), so tens of
 * thousands fit in a test or benchmark process. Timestamps are strictly increasing across the engine, so `since`
 * resumes exactly.
 */
export class MemoryEngine {
  readonly artifacts = new Map<string, BotScript>();
  readonly artifactsOf = new Map<string, Set<string>>();
  readonly instances = new Map<string, MemoryInstance>();
  /** Volume files by path (`sessions/auth_info/creds.json`). */
  readonly volumes = new Map<string, Map<string, Buffer>>();
  readonly events = new EventEmitter().setMaxListeners(0);
  readonly settings: Required<MemoryRuntimeOptions>;
  private lastTime = 0;

  constructor(options: MemoryRuntimeOptions = {}) {
    this.settings = {
      maxRestarts: options.maxRestarts ?? 2,
      restartBackoffMs: options.restartBackoffMs ?? 20,
      exitAfterMs: options.exitAfterMs ?? 20,
      historyLines: options.historyLines ?? 200,
      updateLimitsInPlace: options.updateLimitsInPlace ?? true,
    };
  }

  /** An ISO time later than every one handed out before. */
  timestamp(): string {
    this.lastTime = Math.max(Date.now(), this.lastTime + 1);
    return new Date(this.lastTime).toISOString();
  }

  /** Starts the instance's one copy: prints its lines, then exits if its script (or its memory limit) says so. */
  run(instance: MemoryInstance): void {
    const id = instance.spec.instanceId;
    if (instance.timer) clearTimeout(instance.timer);
    instance.timer = undefined;
    instance.running = true;
    instance.restarting = false;
    instance.exitCode = null;
    instance.oomKilled = false;
    instance.startedAt = this.timestamp();
    this.changed(id);
    for (const { stream, line } of instance.script.lines) this.record(id, { ts: this.timestamp(), stream, line: expand(line, instance.spec.env) });
    const { exit, memoryMb } = instance.script;
    const oom = exit?.oom === true || (memoryMb !== null && memoryMb > instance.spec.limits.memoryMb);
    if (oom || exit) instance.timer = setTimeout(() => this.exit(instance, oom ? 137 : (exit?.code ?? 0), oom), this.settings.exitAfterMs);
  }

  /** The copy ends; a failure is restarted with backoff up to the limit, never a stop. */
  exit(instance: MemoryInstance, code: number, oom: boolean): void {
    const id = instance.spec.instanceId;
    instance.timer = undefined;
    instance.running = false;
    instance.exitCode = code;
    instance.oomKilled = oom;
    instance.finishedAt = this.timestamp();
    if (code !== 0 && instance.restartCount < this.settings.maxRestarts) {
      instance.restarting = true;
      instance.restartCount += 1;
      instance.timer = setTimeout(() => this.run(instance), this.settings.restartBackoffMs * 2 ** (instance.restartCount - 1));
    }
    this.events.emit(`exit:${id}`);
    this.changed(id);
  }

  /** Stops the copy at once (a stopped instance stays stopped: no restart is pending afterwards). */
  stop(instance: MemoryInstance): void {
    if (instance.timer) clearTimeout(instance.timer);
    instance.timer = undefined;
    const wasRestarting = instance.restarting;
    instance.restarting = false;
    if (!instance.running) {
      if (wasRestarting) this.changed(instance.spec.instanceId);
      return;
    }
    instance.running = false;
    instance.exitCode = STOPPED_EXIT_CODE;
    instance.oomKilled = false;
    instance.finishedAt = this.timestamp();
    this.events.emit(`exit:${instance.spec.instanceId}`);
    this.changed(instance.spec.instanceId);
  }

  record(instanceId: string, line: OutputLine): void {
    const instance = this.instances.get(instanceId);
    if (!instance) return;
    instance.output ??= [];
    instance.output.push(line);
    if (instance.output.length > this.settings.historyLines) instance.output.splice(0, instance.output.length - this.settings.historyLines);
    this.events.emit(`line:${instanceId}`, line);
  }

  changed(instanceId: string): void {
    this.events.emit('change', instanceId);
  }

  /** Copies of the instance running right now: 0 or 1 (the engine holds one record per instance). */
  runningCopies(instanceId: string): number {
    return this.instances.get(instanceId)?.running ? 1 : 0;
  }

  /** Stops every pending timer (the engine's "host" shuts down). */
  shutdown(): void {
    for (const instance of this.instances.values()) this.stop(instance);
  }
}
