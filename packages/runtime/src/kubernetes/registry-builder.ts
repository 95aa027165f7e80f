import type Docker from 'dockerode';
import { type BuiltArtifact, type ImageBuilder, withoutRegistry } from '../ports.js';
import type { BuildRequest } from '../runtime.js';

export type RegistryImageBuilderOptions = {
  /** Where images are pushed, as the cluster's nodes pull them (`registry.example.com:5000`, `127.0.0.1:5101`); looked up once. */
  readonly registry: () => Promise<string>;
  /** A local image with a shell, tar and du, pushed as the volume helper's image. */
  readonly helperSource: string;
};

/**
 * Builds with an image builder of this host (the Docker builder, with its isolation: builds reach nothing but the
 * internet) and pushes the result to the cluster's registry, where the kubelet pulls it.
 */
export class RegistryImageBuilder implements ImageBuilder {
  constructor(
    private readonly inner: ImageBuilder,
    private readonly docker: Docker,
    private readonly options: RegistryImageBuilderOptions,
  ) {}

  private helperPushed = false;

  /** The volume helper's image in the registry, pushed there the first time it is asked for. */
  async helperImage(): Promise<string> {
    const image = `${await this.options.registry()}/zapdeploy/volume-helper:1`;
    if (!this.helperPushed) {
      await this.push(this.options.helperSource, image, () => undefined);
      this.helperPushed = true;
    }
    return image;
  }

  async ping(): Promise<void> {
    await this.inner.ping();
    await this.registryAnswers(await this.options.registry());
    await this.helperImage();
  }

  async build(request: BuildRequest): Promise<BuiltArtifact> {
    const built = await this.inner.build(request);
    const registry = await this.options.registry();
    const remote = `${registry}/${built.artifact}`;
    request.onLine(`enviando a imagem para o registro do cluster (${registry})…`);
    await this.push(built.artifact, remote, request.onLine);
    return { artifact: remote, sessionPersistence: built.sessionPersistence };
  }

  /** An image of this host's engine (built for another cluster), pushed to this cluster's registry. */
  async adopt(artifact: string): Promise<string | null> {
    const local = await this.inner.adopt(withoutRegistry(artifact));
    if (!local) return null;
    const remote = `${await this.options.registry()}/${local}`;
    await this.push(local, remote, () => undefined);
    return remote;
  }

  async pruneArtifacts(instanceId: string, keep: readonly string[]): Promise<void> {
    const registry = await this.options.registry();
    const prefix = `${registry}/`;
    const local = keep.map((ref) => (ref.startsWith(prefix) ? ref.slice(prefix.length) : ref));
    await this.inner.pruneArtifacts(instanceId, local);
    // The pushed tags of this host (the registry keeps its own copy).
    const repository = `${prefix}zapdeploy/${instanceId.toLowerCase()}:`;
    for (const ref of (await this.docker.listImages()).flatMap((image) => image.RepoTags ?? [])) {
      if (ref.startsWith(repository) && !keep.includes(ref))
        await this.docker
          .getImage(ref)
          .remove()
          // Only this host's copy of a pushed tag; one in use by a running build stays until the next prune.
          .catch(() => undefined);
    }
    await this.pruneRegistry(registry, instanceId, keep);
  }

  /** Deletes the instance's tags from the registry except those kept (where the registry allows deletes). */
  private async pruneRegistry(registry: string, instanceId: string, keep: readonly string[]): Promise<void> {
    const repository = `zapdeploy/${instanceId.toLowerCase()}`;
    const base = `http://${registry}/v2/${repository}`;
    const tags = await fetch(`${base}/tags/list`).then(
      async (response) => (response.ok ? (((await response.json()) as { tags?: string[] | null }).tags ?? []) : []),
      () => [] as string[],
    );
    const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
    for (const tag of tags) {
      if (keep.includes(`${registry}/${repository}:${tag}`)) continue;
      const head = await fetch(`${base}/manifests/${tag}`, { method: 'HEAD', headers: { accept } });
      const digest = head.headers.get('docker-content-digest');
      if (digest) await fetch(`${base}/manifests/${digest}`, { method: 'DELETE' });
    }
  }

  private async registryAnswers(registry: string): Promise<void> {
    const response = await fetch(`http://${registry}/v2/`).catch((error: unknown) => {
      throw new Error(`registry ${registry} does not answer: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (response.status !== 200 && response.status !== 401) throw new Error(`registry ${registry} answered HTTP ${response.status}`);
  }

  private async push(local: string, remote: string, onLine: (line: string) => void): Promise<void> {
    const [repo, tag] = splitRef(remote);
    await this.docker.getImage(local).tag({ repo, tag });
    // The Engine API wants an X-Registry-Auth header even for a registry without authentication.
    const stream = await this.docker.getImage(remote).push({ authconfig: { serveraddress: repo.split('/')[0] } });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null, output: Array<{ error?: string }>) => {
          const failed = error?.message ?? output.find((event) => event.error)?.error;
          if (failed) reject(new Error(`pushing ${remote}: ${failed}`));
          else resolve();
        },
        (event: { status?: string; id?: string }) => {
          if (event.status === 'Pushed' || event.status?.startsWith('digest:')) onLine(`${event.id ? `${event.id}: ` : ''}${event.status}`);
        },
      );
    });
  }
}

/** `host:port/path/name:tag` → [`host:port/path/name`, `tag`]. */
function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  return colon > slash ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}
