import { existsSync } from 'node:fs';
import type { DockerRuntimeOptions } from '@zapdeploy/runtime';

/** The host CA bundle (this machine reaches the npm registry only through it). */
export const HOST_CA_FILE = '/etc/ssl/certs/ca-certificates.crt';

export function dockerTestSettings(): DockerRuntimeOptions {
  return {
    helperImage: 'node:24-slim',
    pidsLimit: 256,
    maxRestarts: 3,
    buildMemoryMb: 2048,
    buildCpuMillis: 1000,
    buildPidsLimit: 512,
    buildMaxImageMb: 4096,
    stopTimeoutSeconds: 5,
    ...(existsSync(HOST_CA_FILE) ? { caFile: HOST_CA_FILE } : {}),
  };
}
