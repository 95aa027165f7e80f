import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { containerCreateOptions, hostLimits, LABELS, names, networkCreateOptions } from '../docker-spec.js';
import { LineSplitter } from '../line-splitter.js';
import type { Workload } from '../ports.js';
import { ABSENT, type InstanceSpec, type ObservedState, type OutputLine, type ResourceLimits } from '../runtime.js';
import { type DockerContext, isNotFound, isNotModified } from './context.js';

/** Container events that change what `observe` reports. */
const WATCHED_EVENTS = ['die', 'oom', 'start', 'restart', 'stop'];

/**
 * Each instance is one container `zd-<instance>` (the engine refuses a second of that name) on its own bridge
 * network, with the instance's volume on /data: non-root, no capabilities, plan limits, restarted on failure.
 */
export class DockerWorkload implements Workload {
  constructor(private readonly context: DockerContext) {}

  async ping(): Promise<void> {
    await this.context.docker.ping();
    await this.context.ensureIsolation();
  }

  async replace(spec: InstanceSpec): Promise<void> {
    const { docker } = this.context;
    await this.context.ensureIsolation();
    await this.context.ensureNetwork(names.network(spec.instanceId), networkCreateOptions(spec.instanceId));
    await this.context.ensureVolume(spec.instanceId);
    await this.removeContainers(spec.instanceId);
    const volumes = (await docker.getImage(spec.artifact).inspect()).Config.Volumes;
    const container = await docker.createContainer(containerCreateOptions(spec, this.context.options, volumes));
    await container.start();
  }

  async start(instanceId: string): Promise<void> {
    try {
      await this.container(instanceId).start();
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  }

  async stop(instanceId: string): Promise<void> {
    try {
      await this.container(instanceId).stop({ t: this.context.options.stopTimeoutSeconds });
    } catch (error) {
      if (!isNotFound(error) && !isNotModified(error)) throw error;
    }
  }

  async restart(instanceId: string): Promise<void> {
    await this.container(instanceId).restart({ t: this.context.options.stopTimeoutSeconds });
  }

  async updateLimits(instanceId: string, limits: ResourceLimits): Promise<boolean> {
    const container = this.container(instanceId);
    const current = await container.inspect();
    const next = hostLimits(limits);
    // Raising memory above the current swap limit must update both together; lowering must not go below usage.
    try {
      await container.update(current.HostConfig.MemorySwap && next.MemorySwap > current.HostConfig.MemorySwap ? next : { ...next });
      return true;
    } catch {
      return false;
    }
  }

  async observe(instanceId: string): Promise<ObservedState> {
    try {
      const info = await this.container(instanceId).inspect();
      const labels = info.Config.Labels ?? {};
      const memory = info.HostConfig.Memory ?? 0;
      const nano = info.HostConfig.NanoCpus ?? 0;
      return {
        exists: true,
        running: info.State.Running && !info.State.Restarting,
        restarting: info.State.Restarting,
        deploymentId: labels[LABELS.deployment] ?? null,
        revision: labels[LABELS.revision] ?? null,
        exitCode: info.State.Running ? null : info.State.ExitCode,
        oomKilled: info.State.OOMKilled,
        restartCount: info.RestartCount,
        limits: { memoryMb: Math.round(memory / 1024 / 1024), cpuMillis: Math.round(nano / 1_000_000), diskMb: 0 },
        startedAt: validTime(info.State.StartedAt),
        finishedAt: validTime(info.State.FinishedAt),
        error: info.State.Error || null,
      };
    } catch (error) {
      if (isNotFound(error)) return ABSENT;
      throw error;
    }
  }

  /** The container(s) and the instance's network; the volume and images stay (InstanceVolume, ImageBuilder). */
  async remove(instanceId: string): Promise<void> {
    await this.removeContainers(instanceId);
    await this.context.ignoreMissing(() => this.context.docker.getNetwork(names.network(instanceId)).remove());
  }

  async follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void> {
    const sinceSeconds = since ? Math.floor(new Date(since).getTime() / 1000) : 0;
    const stream = (await this.container(instanceId).logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      since: sinceSeconds,
    })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const onAbort = () => stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) stream.destroy();
    const emitter = (kind: 'stdout' | 'stderr') =>
      new LineSplitter((raw) => {
        const space = raw.indexOf(' ');
        const ts = space > 0 ? raw.slice(0, space) : new Date().toISOString();
        const line = space > 0 ? raw.slice(space + 1) : raw;
        const normalised = normaliseTimestamp(ts);
        if (since && normalised <= since) return; // already stored before a restart of the follower
        onLine({ ts: normalised, stream: kind, line });
      });
    const out = emitter('stdout');
    const err = emitter('stderr');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => out.pushBytes(chunk));
    stderr.on('data', (chunk: Buffer) => err.pushBytes(chunk));
    this.context.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    signal.removeEventListener('abort', onAbort);
    out.flush();
    err.flush();
  }

  async list(): Promise<string[]> {
    const containers = await this.context.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    return [...new Set(containers.map((c) => c.Labels[LABELS.instance]).filter((id): id is string => Boolean(id)))];
  }

  /** The engine's events of Zapdeploy containers (deaths, OOMs, starts, restarts, stops). */
  async watch(onChange: (instanceId: string) => void, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const stream = (await this.context.docker.getEvents({
      filters: { type: ['container'], label: [`${LABELS.managed}=true`], event: WATCHED_EVENTS },
    })) as NodeJS.ReadableStream & { destroy(): void };
    const onAbort = () => stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) stream.destroy();
    const splitter = new LineSplitter((line) => {
      try {
        const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
        const instanceId = event.Actor?.Attributes?.[LABELS.instance];
        if (instanceId && event.Action) onChange(instanceId);
      } catch {
        // partial or foreign line
      }
    });
    stream.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
    try {
      await new Promise<void>((resolve, reject) => {
        const ended = () => (signal.aborted ? resolve() : reject(new Error('the Docker event stream ended')));
        stream.on('end', ended);
        stream.on('close', ended);
        stream.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async readFile(instanceId: string, name: string, maxBytes: number): Promise<Buffer | undefined> {
    if (name.includes('..') || name.startsWith('/')) return undefined;
    let archive: NodeJS.ReadableStream;
    try {
      archive = (await this.container(instanceId).getArchive({ path: `/app/${name}` })) as NodeJS.ReadableStream;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return new Promise((resolve, reject) => {
      const extract = tarStream.extract();
      let result: Buffer | undefined;
      extract.on('entry', (header, stream, next) => {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (data: unknown) => {
          const chunk = data as Buffer;
          size += chunk.length;
          if (size <= maxBytes) chunks.push(chunk);
        });
        stream.on('end', () => {
          if (result === undefined && header.type === 'file' && size <= maxBytes) result = Buffer.concat(chunks);
          next();
        });
        stream.resume();
      });
      extract.on('finish', () => resolve(result));
      extract.on('error', reject);
      archive.pipe(extract);
    });
  }

  async close(): Promise<void> {}

  private container(instanceId: string): Docker.Container {
    return this.context.docker.getContainer(names.container(instanceId));
  }

  /** Every container of the instance, stopped (waited for) then removed with its anonymous volumes. */
  private async removeContainers(instanceId: string): Promise<void> {
    const { docker, options } = this.context;
    // Helpers too (labelled with the instance): one left by a worker that died would hold the volume.
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`] } });
    for (const info of containers) {
      const container = docker.getContainer(info.Id);
      await this.context.ignoreMissing(() =>
        container.stop({ t: options.stopTimeoutSeconds }).catch((e) => (isNotModified(e) ? undefined : Promise.reject(e))),
      );
      await this.context.ignoreMissing(() => container.remove({ force: true, v: true }));
    }
  }
}

function validTime(value: string | undefined): string | null {
  return value && !value.startsWith('0001-') ? value : null;
}

/** Docker prints nanoseconds; keep milliseconds so that lexical order is time order everywhere. */
function normaliseTimestamp(ts: string): string {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}
