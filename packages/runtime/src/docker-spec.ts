import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { InstanceSpec, ResourceLimits } from './runtime.js';

export const LABELS = {
  managed: 'zapdeploy.managed',
  instance: 'zapdeploy.instance',
  deployment: 'zapdeploy.deployment',
  revision: 'zapdeploy.revision',
} as const;

/** uid:gid bots run as (the `node`/`app` user of the base images; never root). */
export const BOT_USER = '1000:1000';
export const DATA_DIR = '/data';
export const CA_PATH_IN_CONTAINER = '/etc/zapdeploy/ca.crt';
/** Every bridge Zapdeploy creates is named zd…, so one firewall rule matches them all. */
export const BRIDGE_PREFIX = 'zd';
export const BUILD_NETWORK = 'zd-build';
export const BUILD_BRIDGE = 'zdbuild';

export const names = {
  container: (instanceId: string) => `zd-${instanceId}`,
  network: (instanceId: string) => `zd-net-${instanceId}`,
  volume: (instanceId: string) => `zd-data-${instanceId}`,
  image: (instanceId: string, deploymentId: string) => `zapdeploy/${instanceId}:${deploymentId}`.toLowerCase(),
  /** Linux interface names are at most 15 characters. */
  bridge: (instanceId: string) => `${BRIDGE_PREFIX}${createHash('sha256').update(instanceId).digest('hex').slice(0, 12)}`,
};

export type DockerSettings = {
  /** A CA bundle to trust inside bots (bind-mounted read-only, NODE_EXTRA_CA_CERTS). */
  readonly caFile?: string;
  readonly pidsLimit: number;
  readonly maxRestarts: number;
};

export function hostLimits(limits: ResourceLimits) {
  const memory = limits.memoryMb * 1024 * 1024;
  return { Memory: memory, MemorySwap: memory, NanoCpus: limits.cpuMillis * 1_000_000 };
}

/**
 * Mounts for the VOLUMEs an image declares (other than the paths we mount): without them Docker creates anonymous,
 * unlabelled volumes that disk accounting never sees and that outlive their container. These are anonymous too
 * (removed with the container) but labelled with the instance, so they are measured and cleaned up with it.
 */
export function declaredVolumeMounts(
  declared: Readonly<Record<string, unknown>> | null | undefined,
  instanceId: string,
  mounted: readonly string[],
): Docker.MountSettings[] {
  return Object.keys(declared ?? {})
    .filter((target) => !mounted.includes(target.replace(/\/+$/, '')))
    .sort()
    .map((target) => ({
      Type: 'volume' as const,
      Source: '', // anonymous: removed with its container
      Target: target,
      VolumeOptions: { NoCopy: false, Labels: { [LABELS.managed]: 'true', [LABELS.instance]: instanceId }, DriverConfig: { Name: 'local', Options: {} } },
    }));
}

/** The create options of an instance's container: non-root, no capabilities, plan limits, own network, /data volume. */
export function containerCreateOptions(
  spec: InstanceSpec,
  settings: DockerSettings,
  imageVolumes?: Readonly<Record<string, unknown>> | null,
): Docker.ContainerCreateOptions {
  const env = { ...spec.env, ...(settings.caFile ? { NODE_EXTRA_CA_CERTS: CA_PATH_IN_CONTAINER } : {}) };
  return {
    name: names.container(spec.instanceId),
    Image: spec.artifact,
    User: BOT_USER,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: {
      [LABELS.managed]: 'true',
      [LABELS.instance]: spec.instanceId,
      [LABELS.deployment]: spec.deploymentId,
      [LABELS.revision]: spec.revision,
    },
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      ...hostLimits(spec.limits),
      PidsLimit: settings.pidsLimit,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      Init: true,
      NetworkMode: names.network(spec.instanceId),
      Mounts: [
        { Type: 'volume', Source: names.volume(spec.instanceId), Target: DATA_DIR },
        ...(settings.caFile ? [{ Type: 'bind' as const, Source: settings.caFile, Target: CA_PATH_IN_CONTAINER, ReadOnly: true }] : []),
        ...declaredVolumeMounts(imageVolumes, spec.instanceId, [DATA_DIR, CA_PATH_IN_CONTAINER]),
      ],
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: settings.maxRestarts },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
      IpcMode: 'private',
    },
  };
}

export function networkCreateOptions(instanceId: string): Docker.NetworkCreateOptions {
  return {
    Name: names.network(instanceId),
    Driver: 'bridge',
    CheckDuplicate: true,
    Internal: false,
    EnableIPv6: false,
    Options: {
      'com.docker.network.bridge.name': names.bridge(instanceId),
      'com.docker.network.bridge.enable_icc': 'false',
    },
    Labels: { [LABELS.managed]: 'true', [LABELS.instance]: instanceId },
  };
}
