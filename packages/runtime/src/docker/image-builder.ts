import type Docker from 'dockerode';
import tar from 'tar-fs';
import { createBuildCgroup } from '../build-cgroup.js';
import { BUILD_NETWORK, LABELS, names } from '../docker-spec.js';
import { LineSplitter } from '../line-splitter.js';
import { type BuiltArtifact, type ImageBuilder, withoutRegistry } from '../ports.js';
import { BuildFailedError, type BuildRequest } from '../runtime.js';
import { type DockerContext, isNotFound } from './context.js';

/**
 * Builds images on the local engine with the classic builder, isolated: every RUN step on the `zd-build` network
 * (internet only, firewall re-checked first), with the build's CPU, memory and processes capped; base images
 * vetted; an image over the size limit refused.
 */
export class DockerImageBuilder implements ImageBuilder {
  private cgroupDriver: string | undefined;

  constructor(private readonly context: DockerContext) {}

  async ping(): Promise<void> {
    await this.context.docker.ping();
    await this.context.ensureIsolation();
  }

  async build(request: BuildRequest): Promise<BuiltArtifact> {
    const { docker, options } = this.context;
    await this.context.ensureIsolation();
    for (const image of request.baseImages) await this.vetBaseImage(image, request.onLine);
    const tag = names.image(request.instanceId, request.deploymentId);
    const source = tar.pack(request.contextDir, { ignore: (name) => name.split('/').includes('.git') });
    const limits = await this.buildLimits(request);
    const stream = (await docker.buildImage(
      source as unknown as NodeJS.ReadableStream,
      {
        t: tag,
        dockerfile: request.dockerfile,
        networkmode: BUILD_NETWORK,
        rm: true,
        forcerm: true,
        pull: false,
        memory: options.buildMemoryMb * 1024 * 1024,
        memswap: options.buildMemoryMb * 1024 * 1024,
        ...limits.options,
        labels: { [LABELS.managed]: 'true', [LABELS.instance]: request.instanceId, [LABELS.deployment]: request.deploymentId },
        abortSignal: request.signal,
      } as Docker.ImageBuildOptions,
    )) as NodeJS.ReadableStream;
    const splitter = new LineSplitter(request.onLine);
    const failure = await new Promise<string | undefined>((resolve, reject) => {
      let error: string | undefined;
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve(error)),
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.stream) splitter.push(event.stream);
          if (event.error) error = event.errorDetail?.message ?? event.error;
        },
      );
    }).finally(() => limits.release());
    splitter.flush();
    if (failure) throw new BuildFailedError(failure);
    await this.refuseOversizedImage(tag);
    // Generated Dockerfiles (the builder's, with `commands`) wrap the bot's start with the session entrypoint.
    return { artifact: tag, sessionPersistence: request.commands !== null };
  }

  /**
   * Removes the instance's images except these (the live one and the one before it, for a rollback). Tags go one
   * by one: deployments built from the same layers share one image under several tags. An image a container still
   * uses stays (the engine refuses, which is fine). An empty `keep` removes every image of the instance.
   */
  async adopt(artifact: string): Promise<string | null> {
    const local = withoutRegistry(artifact);
    try {
      await this.context.docker.getImage(local).inspect();
      return local;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async pruneArtifacts(instanceId: string, keep: readonly string[]): Promise<void> {
    const { docker } = this.context;
    const images = await docker.listImages({ filters: { label: [`${LABELS.instance}=${instanceId}`] } });
    for (const image of images) {
      if (keep.length === 0) {
        await this.context.ignoreMissing(() => docker.getImage(image.Id).remove({ force: true }));
        continue;
      }
      const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
      if (tags.length === 0) await this.context.ignoreMissing(() => docker.getImage(image.Id).remove());
      for (const tag of tags) if (!keep.includes(tag)) await this.context.ignoreMissing(() => docker.getImage(tag).remove());
    }
  }

  /**
   * A base image is pulled here (its registry passed the Dockerfile policy) and refused when it carries ONBUILD
   * triggers: the classic builder runs them as if they were the Dockerfile's own lines, unchecked.
   */
  private async vetBaseImage(image: string, onLine: (line: string) => void): Promise<void> {
    const { docker } = this.context;
    let info: Docker.ImageInspectInfo;
    try {
      info = await docker.getImage(image).inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      onLine(`pulling ${image}`);
      try {
        const stream = (await docker.pull(image)) as NodeJS.ReadableStream;
        await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
        info = await docker.getImage(image).inspect();
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
    const { docker, options } = this.context;
    this.cgroupDriver ??= ((await docker.info()) as { CgroupDriver?: string }).CgroupDriver ?? 'unknown';
    const cgroup = await createBuildCgroup(request.deploymentId, options.buildPidsLimit, this.cgroupDriver);
    if (!cgroup) request.onLine(`aviso: o limite de processos do build não se aplica com o driver de cgroup "${this.cgroupDriver}"`);
    return {
      options: {
        cpuperiod: 100_000,
        cpuquota: options.buildCpuMillis * 100,
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
    const { docker, options } = this.context;
    const { Size } = await docker.getImage(tag).inspect();
    const limit = options.buildMaxImageMb;
    if (Size <= limit * 1024 * 1024) return;
    await this.context.ignoreMissing(() => docker.getImage(tag).remove({ force: true }));
    throw new BuildFailedError(`the image is ${Math.round(Size / 1024 / 1024)} MB; the limit is ${limit} MB`);
  }
}
