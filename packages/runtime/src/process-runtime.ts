import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { cp, lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-fs';
import { LineSplitter } from './line-splitter.js';
import {
  ABSENT,
  BuildFailedError,
  type BuildRequest,
  type InstanceSpec,
  type ObservedState,
  type OutputLine,
  type ResourceLimits,
  type Runtime,
} from './runtime.js';

export type ProcessRuntimeOptions = {
  readonly rootDir: string;
  readonly maxRestarts: number;
  readonly caFile?: string | undefined;
  /** What bots inherit from the host (PATH to find node/npm, HOME, LANG), from the worker's config. */
  readonly hostEnv: { readonly PATH: string | undefined; readonly HOME: string | undefined; readonly LANG: string };
};

type Managed = {
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

const HISTORY = 2_000;

/**
 * Bots as local child processes, for a laptop without Docker. Same lifecycle and logs as Docker, but
 * no isolation and no enforced limits: the worker refuses it while the install is open to the public.
 */
export class ProcessRuntime implements Runtime {
  readonly kind = 'process' as const;
  private readonly managed = new Map<string, Managed>();
  private readonly output = new Map<string, OutputLine[]>();
  private readonly events = new EventEmitter().setMaxListeners(0);

  constructor(private readonly options: ProcessRuntimeOptions) {}

  async ping(): Promise<void> {
    await mkdir(this.options.rootDir, { recursive: true });
  }

  async build(request: BuildRequest): Promise<{ artifact: string }> {
    if (!request.commands)
      throw new BuildFailedError('this repository has its own Dockerfile, which needs the Docker runtime (install Docker, or add a package.json start script)');
    const dir = path.resolve(this.options.rootDir, 'builds', request.instanceId, request.deploymentId);
    await rm(dir, { recursive: true, force: true });
    await cp(request.contextDir, dir, { recursive: true });
    const env = this.baseEnv();
    for (const command of [request.commands.install, request.commands.build].filter((c): c is string => Boolean(c))) {
      request.onLine(`$ ${command}`);
      const code = await runShell(command, dir, env, request.onLine, request.signal);
      if (code !== 0) throw new BuildFailedError(`"${command}" exited with code ${code}`);
    }
    await writeFile(path.join(dir, '.zapdeploy-start'), request.commands.start);
    return { artifact: dir };
  }

  async replace(spec: InstanceSpec): Promise<void> {
    await this.stop(spec.instanceId);
    const previous = this.managed.get(spec.instanceId);
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
    this.managed.set(spec.instanceId, entry);
    await this.launch(entry);
  }

  async start(instanceId: string): Promise<void> {
    const entry = this.managed.get(instanceId);
    if (!entry || entry.running) return;
    entry.restartCount = 0;
    entry.exitCode = null;
    await this.launch(entry);
  }

  async stop(instanceId: string): Promise<void> {
    const entry = this.managed.get(instanceId);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.restarting = false;
    const child = entry.child;
    if (!child || !entry.running) return;
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
    const entry = this.managed.get(instanceId);
    if (entry) entry.spec = { ...entry.spec, limits };
    return true; // recorded; local processes have no enforced limits
  }

  async observe(instanceId: string): Promise<ObservedState> {
    const entry = this.managed.get(instanceId);
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

  async remove(instanceId: string, options: { keepData: boolean }): Promise<void> {
    await this.stop(instanceId);
    this.managed.delete(instanceId);
    this.output.delete(instanceId);
    if (!options.keepData) await rm(path.resolve(this.options.rootDir, 'data', instanceId), { recursive: true, force: true });
    if (!options.keepData) await rm(path.resolve(this.options.rootDir, 'builds', instanceId), { recursive: true, force: true });
  }

  async pruneArtifacts(instanceId: string, keep: readonly string[]): Promise<void> {
    const builds = path.resolve(this.options.rootDir, 'builds', instanceId);
    for (const name of await readdir(builds).catch(() => [])) {
      const dir = path.join(builds, name);
      if (!keep.includes(dir)) await rm(dir, { recursive: true, force: true });
    }
  }

  async follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void> {
    for (const line of this.output.get(instanceId) ?? []) if (!since || line.ts > since) onLine(line);
    const entry = this.managed.get(instanceId);
    if (!entry?.running) return;
    await new Promise<void>((resolve) => {
      const onOutput = (line: OutputLine) => onLine(line);
      const finish = () => {
        this.events.off(`line:${instanceId}`, onOutput);
        this.events.off(`exit:${instanceId}`, finish);
        resolve();
      };
      this.events.on(`line:${instanceId}`, onOutput);
      this.events.once(`exit:${instanceId}`, finish);
      signal.addEventListener('abort', finish, { once: true });
    });
  }

  async clearSessions(instanceId: string): Promise<void> {
    await rm(path.resolve(this.options.rootDir, 'data', instanceId, 'sessions'), { recursive: true, force: true });
  }

  async exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined> {
    const data = path.resolve(this.options.rootDir, 'data', instanceId);
    const exists = await lstat(path.join(data, 'sessions')).catch(() => undefined);
    if (!exists?.isDirectory()) return undefined;
    return consume(Readable.from(tar.pack(data, { entries: ['sessions'] })));
  }

  async importSessions(instanceId: string, archive: Readable): Promise<void> {
    await this.clearSessions(instanceId);
    const data = path.resolve(this.options.rootDir, 'data', instanceId);
    await mkdir(data, { recursive: true });
    await pipeline(archive, tar.extract(data, { dmode: 0o700, fmode: 0o600 }));
  }

  async readFile(instanceId: string, name: string, maxBytes: number): Promise<Buffer | undefined> {
    const entry = this.managed.get(instanceId);
    if (!entry || name.includes('..') || name.startsWith('/')) return undefined;
    const file = path.join(entry.spec.artifact, name);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile() || info.size > maxBytes) return undefined;
    return readFile(file);
  }

  async diskUsage(): Promise<Map<string, number>> {
    const usage = new Map<string, number>();
    for (const [id, entry] of this.managed) {
      usage.set(id, (await directorySize(entry.spec.artifact)) + (await directorySize(path.resolve(this.options.rootDir, 'data', id))));
    }
    return usage;
  }

  async list(): Promise<string[]> {
    return [...this.managed.keys()];
  }

  async close(): Promise<void> {
    await Promise.all([...this.managed.keys()].map((id) => this.stop(id)));
  }

  private async launch(entry: Managed): Promise<void> {
    const { spec } = entry;
    const dataDir = path.resolve(this.options.rootDir, 'data', spec.instanceId);
    await mkdir(dataDir, { recursive: true });
    const start = (await readFile(path.join(spec.artifact, '.zapdeploy-start'), 'utf8')).trim();
    const child = spawn('/bin/sh', ['-c', `exec ${start}`], {
      cwd: spec.artifact,
      env: { ...this.baseEnv(), ...spec.env, ZAPDEPLOY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    entry.child = child;
    entry.running = true;
    entry.restarting = false;
    entry.stopping = false;
    entry.startedAt = new Date().toISOString();
    const emit = (stream: 'stdout' | 'stderr') => new LineSplitter((line) => this.record(spec.instanceId, { ts: new Date().toISOString(), stream, line }));
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
      this.events.emit(`exit:${spec.instanceId}`);
      // Like Docker's on-failure policy: restart failures with backoff, up to a limit; never after a stop.
      if (!entry.stopping && entry.exitCode !== 0 && entry.restartCount < this.options.maxRestarts) {
        entry.restarting = true;
        entry.restartCount += 1;
        entry.timer = setTimeout(() => this.relaunch(entry), 500 * 2 ** (entry.restartCount - 1));
      }
    };
    child.on('exit', onExit);
    // Without a listener, a failed spawn would be thrown from the event loop: the bot failed to start instead.
    child.on('error', (error) => {
      err.push(`zapdeploy: ${error.message}\n`);
      if (child.pid === undefined) onExit(127, null);
    });
  }

  /** A restart after a crash: when the bot cannot even be launched (its build is gone), it stays crashed, and says why. */
  private relaunch(entry: Managed): void {
    this.launch(entry).catch((error: unknown) => {
      entry.restarting = false;
      entry.running = false;
      entry.child = null;
      entry.finishedAt = new Date().toISOString();
      this.record(entry.spec.instanceId, {
        ts: entry.finishedAt,
        stream: 'stderr',
        line: `zapdeploy: could not restart the bot: ${error instanceof Error ? error.message : String(error)}`,
      });
      this.events.emit(`exit:${entry.spec.instanceId}`);
    });
  }

  private record(instanceId: string, line: OutputLine): void {
    const lines = this.output.get(instanceId) ?? [];
    lines.push(line);
    if (lines.length > HISTORY) lines.splice(0, lines.length - HISTORY);
    this.output.set(instanceId, lines);
    this.events.emit(`line:${instanceId}`, line);
  }

  private baseEnv(): NodeJS.ProcessEnv {
    return {
      ...this.options.hostEnv,
      ...(this.options.caFile ? { NODE_EXTRA_CA_CERTS: this.options.caFile } : {}),
    };
  }
}

function runShell(command: string, cwd: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void, signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    const splitter = new LineSplitter(onLine);
    child.stdout?.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
    child.stderr?.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
    child.on('error', () => resolve(1));
    child.on('close', (code) => {
      splitter.flush();
      resolve(code ?? 1);
    });
  });
}

async function directorySize(dir: string): Promise<number> {
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
