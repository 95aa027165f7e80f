import { existsSync } from 'node:fs';
import type { AccessConfig } from '@zapdeploy/config';
import { createDockerRuntime, createMemoryRuntime, createProcessRuntime, type RuntimePorts } from '@zapdeploy/runtime';
import type { WorkerConfig } from './config.js';

export class RuntimeUnavailableError extends Error {}

/** The runtime ZAPDEPLOY_RUNTIME asks for (auto: Docker when its socket is there, else local processes), as its three ports. */
export function createRuntime(config: WorkerConfig): RuntimePorts {
  const kind = config.runtime === 'auto' ? (existsSync(config.dockerSocket) ? 'docker' : 'process') : config.runtime;
  if (kind === 'kubernetes') throw new RuntimeUnavailableError('ZAPDEPLOY_RUNTIME=kubernetes is not available in this version; use docker.');
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
  return createDockerRuntime({
    socketPath: config.dockerSocket,
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
