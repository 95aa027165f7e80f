import { existsSync } from 'node:fs';
import { DockerRuntime, ProcessRuntime, type Runtime } from '@zapdeploy/runtime';
import type { WorkerConfig } from './config.js';

export class RuntimeUnavailableError extends Error {}

/** The runtime ZAPDEPLOY_RUNTIME asks for (auto: Docker when its socket is there, else local processes). */
export function createRuntime(config: WorkerConfig): Runtime {
  const kind = config.runtime === 'auto' ? (existsSync(config.dockerSocket) ? 'docker' : 'process') : config.runtime;
  if (kind === 'kubernetes') throw new RuntimeUnavailableError('ZAPDEPLOY_RUNTIME=kubernetes is not available in this version; use docker.');
  if (kind === 'process') {
    if (config.publicSignups) {
      throw new RuntimeUnavailableError(
        'ProcessRuntime runs bots without isolation and refuses to start while ZAPDEPLOY_PUBLIC_SIGNUPS=true. Use Docker (ZAPDEPLOY_RUNTIME=docker).',
      );
    }
    return new ProcessRuntime({
      rootDir: `${config.infra.dataDir}/process-runtime`,
      maxRestarts: config.maxRestarts,
      caFile: config.buildCaFile,
      hostEnv: config.hostEnv,
    });
  }
  return new DockerRuntime({
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
