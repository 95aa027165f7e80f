import os from 'node:os';
import { DEFAULT_BUILD_REGISTRIES } from '@zapdeploy/builder';
import {
  type AccessConfig,
  booleanString,
  type Env,
  type GithubConfig,
  type InfraConfig,
  type LocalClusterConfig,
  loadAccessConfig,
  loadGithubConfig,
  loadInfraConfig,
  loadLocalClusterConfig,
  parseEnv,
  privateGitHosts,
} from '@zapdeploy/config';
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().min(1, 'expected a positive whole number').default(fallback);

const schema = z.object({
  ZAPDEPLOY_RUNTIME: z
    .enum(['docker', 'process', 'kubernetes', 'memory', 'auto'], { message: 'expected docker, process, kubernetes or memory' })
    .default('auto'),
  ZAPDEPLOY_BUILD_CA_FILE: z.string().optional(),
  ZAPDEPLOY_KUBECONFIG: z.string().min(1).optional(),
  ZAPDEPLOY_KUBE_REGISTRY: z
    .string()
    .regex(/^[a-zA-Z0-9.-]+(:\d+)?(\/[a-z0-9._\-/]+)?$/, 'expected a registry address such as registry.example.com:5000')
    .optional(),
  ZAPDEPLOY_KUBE_STORAGE_CLASS: z.string().min(1).optional(),
  ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS: privateGitHosts.default(false),
  ZAPDEPLOY_NODE_IMAGE: z.string().default('node:24-slim'),
  ZAPDEPLOY_PYTHON_IMAGE: z.string().default('python:3.11-slim'),
  ZAPDEPLOY_BUILD_REGISTRIES: z
    .string()
    .regex(/^[a-zA-Z0-9.\-:,\s]*$/, 'expected registry hosts separated by commas (e.g. ghcr.io,quay.io)')
    .optional(),
  ZAPDEPLOY_WORKER_ID: z.string().optional(),
  ZAPDEPLOY_BUILD_TIMEOUT_SECONDS: positive(900),
  ZAPDEPLOY_CLONE_TIMEOUT_SECONDS: positive(120),
  ZAPDEPLOY_MAX_REPO_MB: positive(300),
  ZAPDEPLOY_RESYNC_SECONDS: positive(15),
  ZAPDEPLOY_LOG_LINES_PER_SECOND: positive(50_000),
  ZAPDEPLOY_MAX_RESTARTS: positive(5),
  ZAPDEPLOY_LEASE_SECONDS: positive(60),
  ZAPDEPLOY_DISK_CHECK_SECONDS: positive(120),
  ZAPDEPLOY_BUILD_MEMORY_MB: positive(2048),
  ZAPDEPLOY_BUILD_CPUS: z.coerce.number().min(0.01, 'expected a number of CPUs such as 1 or 0.5').max(256).default(1),
  ZAPDEPLOY_BUILD_PIDS_LIMIT: positive(512),
  ZAPDEPLOY_MAX_CONCURRENT_BUILDS: positive(2),
  ZAPDEPLOY_MAX_IMAGE_MB: positive(4096),
  DOCKER_SOCKET: z.string().default('/var/run/docker.sock'),
  PATH: z.string().optional(),
  HOME: z.string().optional(),
  LANG: z.string().default('C.UTF-8'),
});

export type WorkerConfig = {
  readonly infra: InfraConfig;
  /** The runtime this worker was started with, as the platform's `local` cluster. */
  readonly localCluster: LocalClusterConfig;
  readonly github: GithubConfig;
  readonly runtime: 'docker' | 'process' | 'kubernetes' | 'memory' | 'auto';
  readonly buildCaFile: string | undefined;
  /** Private git hosts that may be cloned from: all, none, or these `host`/`host:port`. */
  readonly allowPrivateGitHosts: boolean | readonly string[];
  readonly publicSignups: boolean;
  /** Who can reach the platform and get an account there (ProcessRuntime runs only on a closed, loopback-only install). */
  readonly access: AccessConfig;
  readonly nodeImage: string;
  readonly pythonImage: string;
  /** Registries besides Docker Hub that repositories' Dockerfiles may build on. */
  readonly buildRegistries: readonly string[];
  readonly workerId: string;
  readonly buildTimeoutMs: number;
  readonly cloneTimeoutMs: number;
  readonly maxRepoBytes: number;
  readonly resyncMs: number;
  readonly logLinesPerSecond: number;
  readonly maxRestarts: number;
  /** How long a dead worker's claim on an instance blocks others (reconcile lease; log leases last half). */
  readonly leaseMs: number;
  /** How often disk use is measured against plans. */
  readonly diskCheckMs: number;
  readonly buildMemoryMb: number;
  /** CPU of a build's containers, in thousandths of a CPU. */
  readonly buildCpuMillis: number;
  /** Processes a build may run at once (all its RUN steps together). */
  readonly buildPidsLimit: number;
  /** Largest image a build may leave, base image included. */
  readonly buildMaxImageMb: number;
  /** Builds (clone included) this worker runs at once; others wait their turn. */
  readonly maxConcurrentBuilds: number;
  readonly dockerSocket: string;
  /** The first Kubernetes cluster (ZAPDEPLOY_RUNTIME=kubernetes): its kubeconfig, registry (else the one it publishes) and storage class. */
  readonly kubernetes: { readonly kubeconfigPath: string | undefined; readonly registry: string | null; readonly storageClass: string | null };
  /** Passed on to bots run as local processes (ProcessRuntime). */
  readonly hostEnv: { readonly PATH: string | undefined; readonly HOME: string | undefined; readonly LANG: string };
};

export function loadWorkerConfig(env: Env): WorkerConfig {
  const infra = loadInfraConfig(env);
  const e = parseEnv(schema, env);
  const access = loadAccessConfig(env);
  return {
    infra,
    localCluster: loadLocalClusterConfig(env),
    github: loadGithubConfig(env),
    runtime: e.ZAPDEPLOY_RUNTIME,
    buildCaFile: e.ZAPDEPLOY_BUILD_CA_FILE,
    allowPrivateGitHosts: e.ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS,
    publicSignups: access.publicSignups,
    access,
    nodeImage: e.ZAPDEPLOY_NODE_IMAGE,
    pythonImage: e.ZAPDEPLOY_PYTHON_IMAGE,
    buildRegistries:
      e.ZAPDEPLOY_BUILD_REGISTRIES === undefined
        ? [...DEFAULT_BUILD_REGISTRIES]
        : e.ZAPDEPLOY_BUILD_REGISTRIES.split(',')
            .map((r) => r.trim().toLowerCase())
            .filter(Boolean),
    workerId: e.ZAPDEPLOY_WORKER_ID ?? `${os.hostname()}-${process.pid}`,
    buildTimeoutMs: e.ZAPDEPLOY_BUILD_TIMEOUT_SECONDS * 1000,
    cloneTimeoutMs: e.ZAPDEPLOY_CLONE_TIMEOUT_SECONDS * 1000,
    maxRepoBytes: e.ZAPDEPLOY_MAX_REPO_MB * 1024 * 1024,
    resyncMs: e.ZAPDEPLOY_RESYNC_SECONDS * 1000,
    logLinesPerSecond: e.ZAPDEPLOY_LOG_LINES_PER_SECOND,
    maxRestarts: e.ZAPDEPLOY_MAX_RESTARTS,
    leaseMs: e.ZAPDEPLOY_LEASE_SECONDS * 1000,
    diskCheckMs: e.ZAPDEPLOY_DISK_CHECK_SECONDS * 1000,
    buildMemoryMb: e.ZAPDEPLOY_BUILD_MEMORY_MB,
    buildCpuMillis: Math.round(e.ZAPDEPLOY_BUILD_CPUS * 1000),
    buildPidsLimit: e.ZAPDEPLOY_BUILD_PIDS_LIMIT,
    maxConcurrentBuilds: e.ZAPDEPLOY_MAX_CONCURRENT_BUILDS,
    buildMaxImageMb: e.ZAPDEPLOY_MAX_IMAGE_MB,
    dockerSocket: e.DOCKER_SOCKET,
    kubernetes: { kubeconfigPath: e.ZAPDEPLOY_KUBECONFIG, registry: e.ZAPDEPLOY_KUBE_REGISTRY ?? null, storageClass: e.ZAPDEPLOY_KUBE_STORAGE_CLASS ?? null },
    hostEnv: { PATH: e.PATH, HOME: e.HOME, LANG: e.LANG },
  };
}
