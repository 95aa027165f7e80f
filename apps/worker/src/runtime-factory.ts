import { existsSync, readFileSync } from 'node:fs';
import type { AccessConfig } from '@zapdeploy/config';
import { createDockerRuntime, createMemoryRuntime, createProcessRuntime, type RuntimePorts } from '@zapdeploy/runtime';
import { createKubernetesRuntime, type TenantDirectory } from '@zapdeploy/runtime/kubernetes';
import Docker from 'dockerode';
import type { WorkerConfig } from './config.js';

export class RuntimeUnavailableError extends Error {}

/**
 * The runtime ZAPDEPLOY_RUNTIME asks for (auto: Docker when its socket is there, else local processes), as its three
 * ports. Kubernetes needs the tenant of each instance (its owner), from the platform's database.
 */
export function createRuntime(config: WorkerConfig, tenants?: TenantDirectory): RuntimePorts {
  const kind = config.runtime === 'auto' ? (existsSync(config.dockerSocket) ? 'docker' : 'process') : config.runtime;
  if (kind === 'kubernetes') {
    const path = config.kubernetes.kubeconfigPath;
    if (!path) throw new RuntimeUnavailableError('ZAPDEPLOY_RUNTIME=kubernetes needs ZAPDEPLOY_KUBECONFIG (the path of the cluster’s kubeconfig).');
    if (!tenants) throw new RuntimeUnavailableError('the Kubernetes runtime needs the platform’s database (tenants).');
    let kubeconfig: string;
    try {
      kubeconfig = readFileSync(path, 'utf8');
    } catch (error) {
      throw new RuntimeUnavailableError(`ZAPDEPLOY_KUBECONFIG=${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    return connectKubernetes(config, { kubeconfig, registry: config.kubernetes.registry, storageClass: config.kubernetes.storageClass }, tenants);
  }
  if (kind === 'process') {
    const refusal = processRuntimeRefusal(config.access);
    if (refusal) throw new RuntimeUnavailableError(`ProcessRuntime runs bots without isolation, as the platform's own user: ${refusal}`);
    return createProcessRuntime({
      rootDir: `${config.infra.dataDir}/process-runtime`,
      maxRestarts: config.maxRestarts,
      caFile: config.buildCaFile,
      hostEnv: config.hostEnv,
    });
  }
  if (kind === 'memory') {
    // Nothing runs for real: an install others can reach would tell its users their bots run when they do not.
    const refusal = processRuntimeRefusal(config.access);
    if (refusal) throw new RuntimeUnavailableError(`the memory runtime runs no bot for real (it is for tests and benchmarks): ${refusal}`);
    return createMemoryRuntime({ maxRestarts: config.maxRestarts });
  }
  return dockerRuntime(config);
}

function dockerRuntime(config: WorkerConfig, socketPath = config.dockerSocket): RuntimePorts {
  return createDockerRuntime({
    socketPath,
    helperImage: config.nodeImage,
    pidsLimit: 256,
    maxRestarts: config.maxRestarts,
    buildMemoryMb: config.buildMemoryMb,
    buildCpuMillis: config.buildCpuMillis,
    buildPidsLimit: config.buildPidsLimit,
    buildMaxImageMb: config.buildMaxImageMb,
    stopTimeoutSeconds: 10,
    ...(config.buildCaFile ? { caFile: config.buildCaFile } : {}),
  });
}

/**
 * A Kubernetes cluster's ports: images are built by this host's Docker engine (with its build isolation) and pushed to
 * the cluster's registry.
 */
export function connectKubernetes(
  config: WorkerConfig,
  cluster: { readonly kubeconfig: string; readonly registry: string | null; readonly storageClass: string | null },
  tenants: TenantDirectory,
): RuntimePorts {
  return createKubernetesRuntime({
    kubeconfig: cluster.kubeconfig,
    registry: cluster.registry,
    storageClass: cluster.storageClass,
    hostBuilder: dockerRuntime(config).builder,
    docker: new Docker({ socketPath: config.dockerSocket }),
    helperSource: config.nodeImage,
    tenants,
    maxRestarts: config.maxRestarts,
    caBundle: config.buildCaFile ? readFileSync(config.buildCaFile, 'utf8') : null,
  });
}

/** The ports of a cluster an operator added (a Docker engine on a socket of this host, or a Kubernetes cluster). */
export function connectCluster(
  config: WorkerConfig,
  cluster: { readonly kind: string; readonly credentials: string; readonly registry: string | null; readonly storageClass: string | null },
  tenants: TenantDirectory,
): RuntimePorts {
  if (cluster.kind === 'kubernetes') return connectKubernetes(config, { ...cluster, kubeconfig: cluster.credentials }, tenants);
  if (cluster.kind === 'docker') {
    const socket = cluster.credentials.replace(/^unix:\/\//, '');
    if (!socket.startsWith('/'))
      throw new RuntimeUnavailableError(`the worker reaches Docker engines on a unix socket of its host only (${cluster.credentials})`);
    return dockerRuntime(config, socket);
  }
  throw new RuntimeUnavailableError(`a ${cluster.kind} cluster runs only as the worker's own runtime`);
}

/**
 * Why bots may not run as local processes (or in memory) on this install, or undefined when they may: only the
 * operator, on this machine, may be able to get in (a closed install listening on loopback, with a loopback public URL).
 */
export function processRuntimeRefusal(access: AccessConfig): string | undefined {
  if (access.publicSignups) return 'it refuses to start while ZAPDEPLOY_PUBLIC_SIGNUPS=true. Use Docker (ZAPDEPLOY_RUNTIME=docker).';
  if (access.guests) return 'it refuses to start while guests may sign in (ZAPDEPLOY_GUESTS=true). Use Docker (ZAPDEPLOY_RUNTIME=docker).';
  if (!access.localOnly) {
    return `it refuses to start while the platform is reachable beyond this machine (HOST=${access.host}, API_HOST=${access.apiHost}, ZAPDEPLOY_PUBLIC_URL=${access.publicUrl}). Listen on 127.0.0.1 or use Docker (ZAPDEPLOY_RUNTIME=docker).`;
  }
  return undefined;
}
