import { spawn } from 'node:child_process';
import { lstat, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineSplitter } from '../line-splitter.js';
import type { Workload } from '../ports.js';
import { ABSENT, type InstanceSpec, type ObservedState, type OutputLine, type ResourceLimits } from '../runtime.js';
import type { Managed, ProcessContext } from './context.js';
import { START_FILE } from './image-builder.js';

/**
 * Bots as local child processes (`sh -c "exec <start>"` in the artifact directory), for a laptop without Docker. Same
 * lifecycle and logs as Docker, but no isolation and no enforced limits: the worker refuses it while the install is
 * open to the public. A failing bot is restarted with backoff like Docker's on-failure policy.
 */
export class ProcessWorkload implements Workload {
  constructor(private readonly context: ProcessContext) {}

  async ping(): Promise<void> {
    await mkdir(this.context.options.rootDir, { recursive: true });
  }

  async replace(spec: InstanceSpec): Promise<void> {
    await this.stop(spec.instanceId);
    const previous = this.context.managed.get(spec.instanceId);
    if (previous?.timer) clearTimeout(previous.timer);
    const entry: Managed = {
      spec,
      child: null,
      running: false,
      restarting: false,
      exitCode: null,
      restartCount: 0,
      startedAt: null,
      finishedAt: null,
      stopping: false,
      timer: undefined,
    };
    this.context.managed.set(spec.instanceId, entry);
    await this.launch(entry);
  }

  async start(instanceId: string): Promise<void> {
    const entry = this.context.managed.get(instanceId);
    if (!entry || entry.running) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.restartCount = 0;
    entry.exitCode = null;
    await this.launch(entry);
  }

  async stop(instanceId: string): Promise<void> {
    const entry = this.context.managed.get(instanceId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    const wasRestarting = entry.restarting;
    entry.restarting = false;
    const child = entry.child;
    if (!child || !entry.running) {
      if (wasRestarting) this.context.changed(instanceId);
      return;
    }
    entry.stopping = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(instanceId: string): Promise<void> {
    await this.stop(instanceId);
    await this.start(instanceId);
  }

  async updateLimits(instanceId: string, limits: ResourceLimits): Promise<boolean> {
    const entry = this.context.managed.get(instanceId);
    if (entry) entry.spec = { ...entry.spec, limits };
    return true; // recorded; local processes have no enforced limits
  }

  async observe(instanceId: string): Promise<ObservedState> {
    const entry = this.context.managed.get(instanceId);
    if (!entry) return ABSENT;
    return {
      exists: true,
      running: entry.running,
      restarting: entry.restarting,
      deploymentId: entry.spec.deploymentId,
      revision: entry.spec.revision,
      exitCode: entry.running ? null : entry.exitCode,
      oomKilled: false,
      restartCount: entry.restartCount,
      limits: entry.spec.limits,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
      error: null,
    };
  }

  async remove(instanceId: string): Promise<void> {
    await this.stop(instanceId);
    this.context.managed.delete(instanceId);
    this.context.output.delete(instanceId);
  }

  async follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void> {
    for (const line of this.context.output.get(instanceId) ?? []) if (!since || line.ts > since) onLine(line);
    const entry = this.context.managed.get(instanceId);
    if (!entry?.running || signal.aborted) return;
    const { events } = this.context;
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
    return [...this.context.managed.keys()];
  }

  /** This worker's own processes: each start, exit and stop (they die with it, so there is no one else's to watch). */
  async watch(onChange: (instanceId: string) => void, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const { events } = this.context;
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
    const entry = this.context.managed.get(instanceId);
    if (!entry || name.includes('..') || name.startsWith('/')) return undefined;
    const file = path.join(entry.spec.artifact, name);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile() || info.size > maxBytes) return undefined;
    return readFile(file);
  }

  async close(): Promise<void> {
    await Promise.all([...this.context.managed.keys()].map((id) => this.stop(id)));
  }

  private async launch(entry: Managed): Promise<void> {
    const { spec } = entry;
    const { context } = this;
    const dataDir = context.dataDir(spec.instanceId);
    await mkdir(dataDir, { recursive: true });
    const start = (await readFile(path.join(spec.artifact, START_FILE), 'utf8')).trim();
    const child = spawn('/bin/sh', ['-c', `exec ${start}`], {
      cwd: spec.artifact,
      env: { ...context.baseEnv(), ...spec.env, ZAPDEPLOY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    entry.child = child;
    entry.running = true;
    entry.restarting = false;
    entry.stopping = false;
    entry.startedAt = new Date().toISOString();
    const emit = (stream: 'stdout' | 'stderr') => new LineSplitter((line) => context.record(spec.instanceId, { ts: new Date().toISOString(), stream, line }));
    const out = emit('stdout');
    const err = emit('stderr');
    child.stdout?.on('data', (chunk: Buffer) => out.pushBytes(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.pushBytes(chunk));
    let exited = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      out.flush();
      err.flush();
      entry.running = false;
      entry.child = null;
      entry.exitCode = code ?? (signal ? 128 : 1);
      entry.finishedAt = new Date().toISOString();
      // Like Docker's on-failure policy: restart failures with backoff, up to a limit; never after a stop.
      if (!entry.stopping && entry.exitCode !== 0 && entry.restartCount < context.options.maxRestarts) {
        entry.restarting = true;
        entry.restartCount += 1;
        entry.timer = setTimeout(() => this.relaunch(entry), 500 * 2 ** (entry.restartCount - 1));
      }
      context.events.emit(`exit:${spec.instanceId}`);
      context.changed(spec.instanceId);
    };
    child.on('exit', onExit);
    // Without a listener, a failed spawn would be thrown from the event loop: the bot failed to start instead.
    child.on('error', (error) => {
      err.push(`zapdeploy: ${error.message}\n`);
      if (child.pid === undefined) onExit(127, null);
    });
    context.changed(spec.instanceId);
  }

  /** A restart after a crash: when the bot cannot even be launched (its build is gone), it stays crashed, and says why. */
  private relaunch(entry: Managed): void {
    this.launch(entry).catch((error: unknown) => {
      entry.restarting = false;
      entry.running = false;
      entry.child = null;
      entry.finishedAt = new Date().toISOString();
      this.context.record(entry.spec.instanceId, {
        ts: entry.finishedAt,
        stream: 'stderr',
        line: `zapdeploy: could not restart the bot: ${error instanceof Error ? error.message : String(error)}`,
      });
      this.context.events.emit(`exit:${entry.spec.instanceId}`);
      this.context.changed(entry.spec.instanceId);
    });
  }
}
