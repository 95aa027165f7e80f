import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { BOT_USER, BUILD_BRIDGE, BUILD_NETWORK, DATA_DIR, type DockerSettings, declaredVolumeMounts, LABELS, names } from '../docker-spec.js';
import { applyIsolationRules, hostNameservers, hostSubnets, type IptablesRule, ipv6Filtering, isolationRules, isolationRulesPresent } from '../firewall.js';

export type DockerRuntimeOptions = DockerSettings & {
  readonly socketPath?: string;
  /** Image used for one-off helper containers (volume ownership, sessions); a trusted base image. */
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

export const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;
export const isConflict = (error: unknown) => (error as { statusCode?: number }).statusCode === 409;
export const isNotModified = (error: unknown) => (error as { statusCode?: number }).statusCode === 304;

/**
 * What the Docker builder, workload and volume share: one Engine API client (dockerode), the settings, the host's
 * isolation (firewall rules and build network, set up once and re-checked) and one-off helper containers.
 */
export class DockerContext {
  readonly docker: Docker;
  private rules: IptablesRule[] | undefined;
  private isolated = false;
  /** The VOLUMEs the helper image declares (looked up once). */
  private helperVolumes: Promise<Record<string, unknown> | null> | undefined;

  constructor(readonly options: DockerRuntimeOptions) {
    this.docker = new Docker(options.socketPath ? { socketPath: options.socketPath } : {});
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

  async ensureNetwork(name: string, options: Docker.NetworkCreateOptions): Promise<void> {
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

  /** The instance's data volume, owned by the bot user (a new volume is root-owned). */
  async ensureVolume(instanceId: string): Promise<void> {
    const name = names.volume(instanceId);
    try {
      await this.docker.getVolume(name).inspect();
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.docker.createVolume({ Name: name, Labels: { [LABELS.managed]: 'true', [LABELS.instance]: instanceId } });
    await this.runHelper(
      instanceId,
      { Cmd: ['chown', BOT_USER, DATA_DIR], User: '0:0', CapAdd: ['CHOWN'] },
      `could not prepare the data volume of ${instanceId}`,
    );
  }

  /** Runs a helper container to its end; throws `failure` when it exits with another code than 0. */
  async runHelper(instanceId: string, options: HelperOptions, failure: string): Promise<void> {
    const helper = await this.createHelper(instanceId, options);
    try {
      await helper.start();
      const result = (await helper.wait()) as { StatusCode: number };
      if (result.StatusCode !== 0) throw new Error(failure);
    } finally {
      await helper.remove({ force: true, v: true });
    }
  }

  /** A created (never started) helper with the instance's volume, to read or write it through the archive API. */
  async withVolumeHelper<T>(instanceId: string, work: (helper: Docker.Container) => Promise<T>): Promise<T> {
    const helper = await this.createHelper(instanceId, { Cmd: ['true'], User: BOT_USER });
    try {
      return await work(helper);
    } finally {
      await helper.remove({ force: true, v: true });
    }
  }

  /**
   * A one-off container of the helper image with the instance's volume on /data, no network, no capabilities but
   * those asked for. VOLUMEs the image declares get labelled anonymous volumes (never unlabelled ones that escape
   * disk accounting), removed with the helper.
   */
  private async createHelper(instanceId: string, options: HelperOptions): Promise<Docker.Container> {
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

  /** Runs `action`, ignoring "not found" and "conflict" (already gone, or in use and kept). */
  async ignoreMissing(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!isNotFound(error) && !isConflict(error)) throw error;
    }
  }
}

type HelperOptions = { Cmd: string[]; User: string; CapAdd?: string[] };

function readResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}
