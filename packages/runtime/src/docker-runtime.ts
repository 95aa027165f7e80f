import { readFileSync } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import Docker from 'dockerode';
import tar from 'tar-fs';
import tarStream from 'tar-stream';
import { createBuildCgroup } from './build-cgroup.js';
import {
  BOT_USER,
  BUILD_BRIDGE,
  BUILD_NETWORK,
  containerCreateOptions,
  DATA_DIR,
  type DockerSettings,
  declaredVolumeMounts,
  hostLimits,
  LABELS,
  names,
  networkCreateOptions,
} from './docker-spec.js';
import { applyIsolationRules, hostNameservers, hostSubnets, type IptablesRule, ipv6Filtering, isolationRules, isolationRulesPresent } from './firewall.js';
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

export type DockerRuntimeOptions = DockerSettings & {
  readonly socketPath?: string;
  /** Image used for one-off helper containers (volume ownership); a trusted base image. */
  readonly helperImage: string;
  /** Limits of build containers (each RUN step): memory, CPU (thousandths of a CPU), processes. */
  readonly buildMemoryMb: number;
  readonly buildCpuMillis: number;
  readonly buildPidsLimit: number;
  /** Largest image a build may leave (base image included); a larger one is removed and the build fails. */
  readonly buildMaxImageMb: number;
  /** Seconds a bot gets to exit after SIGTERM. */
  readonly stopTimeoutSeconds: number;
};

const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;
const isConflict = (error: unknown) => (error as { statusCode?: number }).statusCode === 409;
const isNotModified = (error: unknown) => (error as { statusCode?: number }).statusCode === 304;

/** Bots in Docker containers on one host, through the Engine API (dockerode); no shell strings. */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;
  private readonly docker: Docker;
  private rules: IptablesRule[] | undefined;
  private isolated = false;
  private cgroupDriver: string | undefined;
  /** The VOLUMEs the helper image declares (looked up once). */
  private helperVolumes: Promise<Record<string, unknown> | null> | undefined;

  constructor(private readonly options: DockerRuntimeOptions) {
    this.docker = new Docker(options.socketPath ? { socketPath: options.socketPath } : {});
  }

  async ping(): Promise<void> {
    await this.docker.ping();
    await this.ensureIsolation();
  }

  /**
   * Firewall rules and the build network; refuses to go on without them. Checked before every build and start,
   * and by the worker's periodic resync (`ping`): a rule someone removed is put back.
   */
  async ensureIsolation(): Promise<void> {
    if (!this.rules) {
      const all = isolationRules(hostSubnets(), hostNameservers(readResolvConf()));
      this.rules = (await ipv6Filtering()) ? all : all.filter((rule) => rule.family === 'ipv4');
    }
    if (this.isolated && (await isolationRulesPresent(this.rules))) return;
    await this.ensureNetwork(BUILD_NETWORK, {
      Name: BUILD_NETWORK,
      Driver: 'bridge',
      CheckDuplicate: true,
      Options: { 'com.docker.network.bridge.name': BUILD_BRIDGE, 'com.docker.network.bridge.enable_icc': 'false' },
      Labels: { [LABELS.managed]: 'true' },
    });
    await applyIsolationRules(this.rules);
    this.isolated = true;
  }

  async build(request: BuildRequest): Promise<{ artifact: string }> {
    await this.ensureIsolation();
    for (const image of request.baseImages) await this.vetBaseImage(image, request.onLine);
    const tag = names.image(request.instanceId, request.deploymentId);
    const context = tar.pack(request.contextDir, { ignore: (name) => name.split('/').includes('.git') });
    const limits = await this.buildLimits(request);
    const stream = (await this.docker.buildImage(
      context as unknown as NodeJS.ReadableStream,
      {
        t: tag,
        dockerfile: request.dockerfile,
        networkmode: BUILD_NETWORK,
        rm: true,
        forcerm: true,
        pull: false,
        memory: this.options.buildMemoryMb * 1024 * 1024,
        memswap: this.options.buildMemoryMb * 1024 * 1024,
        ...limits.options,
        labels: { [LABELS.managed]: 'true', [LABELS.instance]: request.instanceId, [LABELS.deployment]: request.deploymentId },
        abortSignal: request.signal,
      } as Docker.ImageBuildOptions,
    )) as NodeJS.ReadableStream;
    const splitter = new LineSplitter(request.onLine);
    const failure = await new Promise<string | undefined>((resolve, reject) => {
      let error: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve(error)),
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.stream) splitter.push(event.stream);
          if (event.error) error = event.errorDetail?.message ?? event.error;
        },
      );
    });
    splitter.flush();
    await limits.release();
    if (failure) throw new BuildFailedError(failure);
    await this.refuseOversizedImage(tag);
    return { artifact: tag };
  }

  /**
   * A base image is pulled here (its registry passed the Dockerfile policy) and refused when it carries ONBUILD
   * triggers: the classic builder runs them as if they were the Dockerfile's own lines, unchecked.
   */
  private async vetBaseImage(image: string, onLine: (line: string) => void): Promise<void> {
    let info: Docker.ImageInspectInfo;
    try {
      info = await this.docker.getImage(image).inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      onLine(`pulling ${image}`);
      try {
        const stream = (await this.docker.pull(image)) as NodeJS.ReadableStream;
        await new Promise<void>((resolve, reject) => this.docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
        info = await this.docker.getImage(image).inspect();
      } catch (pullError) {
        const message = pullError instanceof Error ? pullError.message.replace(/^\(HTTP code \d+\)[^:]*: ?/, '') : String(pullError);
        throw new BuildFailedError(`the base image ${image} could not be pulled: ${message.slice(0, 300)}`);
      }
    }
    if ((info.Config?.OnBuild ?? []).length > 0) {
      throw new BuildFailedError(
        `the base image ${image} has ONBUILD triggers, which would run outside the build's network isolation; build on an image without them`,
        'dockerfile_not_allowed',
      );
    }
  }

  /**
   * CPU, shared memory and processes of a build's containers. The pids limit comes from a cgroup made for the
   * build (the build API has no pids option); without the cgroupfs driver the build log says it is not applied.
   */
  private async buildLimits(request: BuildRequest): Promise<{ options: Record<string, unknown>; release: () => Promise<void> }> {
    this.cgroupDriver ??= ((await this.docker.info()) as { CgroupDriver?: string }).CgroupDriver ?? 'unknown';
    const cgroup = await createBuildCgroup(request.deploymentId, this.options.buildPidsLimit, this.cgroupDriver);
    if (!cgroup) request.onLine(`aviso: o limite de processos do build não se aplica com o driver de cgroup "${this.cgroupDriver}"`);
    return {
      options: {
        cpuperiod: 100_000,
        cpuquota: this.options.buildCpuMillis * 100,
        shmsize: 64 * 1024 * 1024,
        ...(cgroup ? { cgroupparent: cgroup.parent } : {}),
      },
      release: async () => cgroup?.remove(),
    };
  }

  /**
   * The engine cannot cap a build's disk on overlay2 without xfs project quotas; what a build leaves behind is
   * measured instead, and an image over the limit is removed at once.
   */
  private async refuseOversizedImage(tag: string): Promise<void> {
    const { Size } = await this.docker.getImage(tag).inspect();
    const limit = this.options.buildMaxImageMb;
    if (Size <= limit * 1024 * 1024) return;
    await this.ignoreMissing(() => this.docker.getImage(tag).remove({ force: true }));
    throw new BuildFailedError(`the image is ${Math.round(Size / 1024 / 1024)} MB; the limit is ${limit} MB`);
  }

  /**
   * Removes the instance's images except these (the live one and the one before it, for a rollback). Tags go one
   * by one: deployments built from the same layers share one image under several tags. An image a container still
   * uses stays (the engine refuses, which is fine).
   */
  async pruneArtifacts(instanceId: string, keep: readonly string[]): Promise<void> {
    const images = await this.docker.listImages({ filters: { label: [`${LABELS.instance}=${instanceId}`] } });
    for (const image of images) {
      const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
      if (tags.length === 0) await this.ignoreMissing(() => this.docker.getImage(image.Id).remove());
      for (const tag of tags) if (!keep.includes(tag)) await this.ignoreMissing(() => this.docker.getImage(tag).remove());
    }
  }

  async replace(spec: InstanceSpec): Promise<void> {
    await this.ensureIsolation();
    await this.ensureNetwork(names.network(spec.instanceId), networkCreateOptions(spec.instanceId));
    await this.ensureVolume(spec.instanceId);
    await this.removeContainers(spec.instanceId);
    const volumes = (await this.docker.getImage(spec.artifact).inspect()).Config.Volumes;
    const container = await this.docker.createContainer(containerCreateOptions(spec, this.options, volumes));
    await container.start();
  }

  async start(instanceId: string): Promise<void> {
    try {
      await this.docker.getContainer(names.container(instanceId)).start();
    } catch (error) {
      if (!isNotModified(error)) throw error;
    }
  }

  async stop(instanceId: string): Promise<void> {
    try {
      await this.docker.getContainer(names.container(instanceId)).stop({ t: this.options.stopTimeoutSeconds });
    } catch (error) {
      if (!isNotFound(error) && !isNotModified(error)) throw error;
    }
  }

  async restart(instanceId: string): Promise<void> {
    await this.docker.getContainer(names.container(instanceId)).restart({ t: this.options.stopTimeoutSeconds });
  }

  async updateLimits(instanceId: string, limits: ResourceLimits): Promise<boolean> {
    const container = this.docker.getContainer(names.container(instanceId));
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
      const info = await this.docker.getContainer(names.container(instanceId)).inspect();
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

  async remove(instanceId: string, options: { keepData: boolean }): Promise<void> {
    await this.removeContainers(instanceId);
    await this.ignoreMissing(() => this.docker.getNetwork(names.network(instanceId)).remove());
    if (!options.keepData) {
      await this.ignoreMissing(() => this.docker.getVolume(names.volume(instanceId)).remove());
      // Anything else labelled with the instance (volumes of VOLUMEs its images declared) goes too.
      const { Volumes: leftovers } = await this.docker.listVolumes({ filters: { label: [`${LABELS.instance}=${instanceId}`] } });
      for (const volume of leftovers ?? []) await this.ignoreMissing(() => this.docker.getVolume(volume.Name).remove());
    }
    const images = await this.docker.listImages({ filters: { label: [`${LABELS.instance}=${instanceId}`] } });
    for (const image of images) await this.ignoreMissing(() => this.docker.getImage(image.Id).remove({ force: true }));
  }

  async follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void> {
    const container = this.docker.getContainer(names.container(instanceId));
    const sinceSeconds = since ? Math.floor(new Date(since).getTime() / 1000) : 0;
    const stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true, since: sinceSeconds })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const onAbort = () => stream.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    const emitter = (kind: 'stdout' | 'stderr') =>
      new LineSplitter((raw) => {
        const space = raw.indexOf(' ');
        const ts = space > 0 ? raw.slice(0, space) : new Date().toISOString();
        const line = space > 0 ? raw.slice(space + 1) : raw;
        if (since && ts <= since) return; // already stored before a restart of the follower
        onLine({ ts: normaliseTimestamp(ts), stream: kind, line });
      });
    const out = emitter('stdout');
    const err = emitter('stderr');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (chunk: Buffer) => out.pushBytes(chunk));
    stderr.on('data', (chunk: Buffer) => err.pushBytes(chunk));
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    signal.removeEventListener('abort', onAbort);
    out.flush();
    err.flush();
  }

  async clearSessions(instanceId: string): Promise<void> {
    const helper = await this.createHelper(instanceId, { Cmd: ['sh', '-c', `rm -rf ${DATA_DIR}/sessions`], User: BOT_USER });
    try {
      await helper.start();
      const result = (await helper.wait()) as { StatusCode: number };
      if (result.StatusCode !== 0) throw new Error(`could not clear the sessions of ${instanceId}`);
    } finally {
      await helper.remove({ force: true, v: true });
    }
  }

  async exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined> {
    return this.withVolumeHelper(instanceId, async (helper) => {
      let archive: Readable;
      try {
        archive = (await helper.getArchive({ path: `${DATA_DIR}/sessions` })) as Readable;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      return consume(archive);
    });
  }

  async importSessions(instanceId: string, tar: Readable): Promise<void> {
    await this.clearSessions(instanceId);
    // The archive's entries carry the bot's uid/gid, which the engine keeps when it extracts them.
    await this.withVolumeHelper(instanceId, (helper) => helper.putArchive(tar, { path: DATA_DIR }));
  }

  /** A created (never started) container with the instance's volume, to read or write it through the archive API. */
  private async withVolumeHelper<T>(instanceId: string, work: (helper: Docker.Container) => Promise<T>): Promise<T> {
    const helper = await this.createHelper(instanceId, { Cmd: ['true'], User: BOT_USER });
    try {
      return await work(helper);
    } finally {
      await helper.remove({ force: true, v: true });
    }
  }

  /**
   * A one-off container of the helper image with the instance's volume on /data. VOLUMEs the image declares get
   * labelled anonymous volumes (never unlabelled ones that escape disk accounting), removed with the helper.
   */
  private async createHelper(instanceId: string, options: { Cmd: string[]; User: string; CapAdd?: string[] }): Promise<Docker.Container> {
    this.helperVolumes ??= this.docker
      .getImage(this.options.helperImage)
      .inspect()
      .then((image) => image.Config.Volumes ?? null);
    const declared = await this.helperVolumes.catch((error: unknown) => {
      this.helperVolumes = undefined;
      throw error;
    });
    return this.docker.createContainer({
      Image: this.options.helperImage,
      Cmd: options.Cmd,
      User: options.User,
      HostConfig: {
        Mounts: [{ Type: 'volume', Source: names.volume(instanceId), Target: DATA_DIR }, ...declaredVolumeMounts(declared, instanceId, [DATA_DIR])],
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        ...(options.CapAdd ? { CapAdd: options.CapAdd } : {}),
      },
      Labels: { [LABELS.managed]: 'helper', [LABELS.instance]: instanceId },
    });
  }

  async readFile(instanceId: string, name: string, maxBytes: number): Promise<Buffer | undefined> {
    if (name.includes('..') || name.startsWith('/')) return undefined;
    let archive: NodeJS.ReadableStream;
    try {
      archive = (await this.docker.getContainer(names.container(instanceId)).getArchive({ path: `/app/${name}` })) as NodeJS.ReadableStream;
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

  /**
   * Disk use per instance: the container's writable layer (SizeRw) plus its /data volume. Docker cannot cap
   * either on overlay2 without xfs quotas, so the worker measures and acts on this instead.
   */
  async diskUsage(): Promise<Map<string, number>> {
    const usage = new Map<string, number>();
    const containers = await this.docker.listContainers({ all: true, size: true, filters: { label: [`${LABELS.managed}=true`] } });
    for (const c of containers) {
      const id = c.Labels[LABELS.instance];
      if (id) usage.set(id, (usage.get(id) ?? 0) + ((c as { SizeRw?: number }).SizeRw ?? 0));
    }
    const df = (await this.docker.df()) as { Volumes?: { Name: string; Labels?: Record<string, string> | null; UsageData?: { Size?: number } }[] };
    for (const volume of df.Volumes ?? []) {
      const id = volume.Labels?.[LABELS.instance];
      const size = volume.UsageData?.Size ?? 0;
      if (id && size > 0) usage.set(id, (usage.get(id) ?? 0) + size);
    }
    return usage;
  }

  async list(): Promise<string[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } });
    return [...new Set(containers.map((c) => c.Labels[LABELS.instance]).filter((id): id is string => Boolean(id)))];
  }

  /** Watches container deaths, OOMs and starts of Zapdeploy containers. */
  async watchEvents(onEvent: (instanceId: string, action: string) => void, signal: AbortSignal): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], label: [`${LABELS.managed}=true`], event: ['die', 'oom', 'start', 'restart', 'stop'] },
    })) as NodeJS.ReadableStream & { destroy(): void };
    signal.addEventListener('abort', () => stream.destroy(), { once: true });
    const splitter = new LineSplitter((line) => {
      try {
        const event = JSON.parse(line) as { Action?: string; Actor?: { Attributes?: Record<string, string> } };
        const instanceId = event.Actor?.Attributes?.[LABELS.instance];
        if (instanceId && event.Action) onEvent(instanceId, event.Action);
      } catch {
        // partial or foreign line
      }
    });
    stream.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
  }

  async close(): Promise<void> {}

  private async removeContainers(instanceId: string): Promise<void> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`] } });
    for (const info of containers) {
      const container = this.docker.getContainer(info.Id);
      await this.ignoreMissing(() => container.stop({ t: this.options.stopTimeoutSeconds }).catch((e) => (isNotModified(e) ? undefined : Promise.reject(e))));
      await this.ignoreMissing(() => container.remove({ force: true, v: true }));
    }
  }

  private async ensureNetwork(name: string, options: Docker.NetworkCreateOptions): Promise<void> {
    try {
      await this.docker.getNetwork(name).inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await this.docker.createNetwork(options);
      } catch (createError) {
        if (!isConflict(createError)) throw createError;
      }
    }
  }

  /** The instance volume, owned by the bot user (a new volume is root-owned). */
  private async ensureVolume(instanceId: string): Promise<void> {
    const name = names.volume(instanceId);
    try {
      await this.docker.getVolume(name).inspect();
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.docker.createVolume({ Name: name, Labels: { [LABELS.managed]: 'true', [LABELS.instance]: instanceId } });
    const helper = await this.createHelper(instanceId, { Cmd: ['chown', BOT_USER, DATA_DIR], User: '0:0', CapAdd: ['CHOWN'] });
    try {
      await helper.start();
      const result = (await helper.wait()) as { StatusCode: number };
      if (result.StatusCode !== 0) throw new Error(`could not prepare the data volume of ${instanceId}`);
    } finally {
      await helper.remove({ force: true, v: true });
    }
  }

  private async ignoreMissing(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
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

function readResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}
