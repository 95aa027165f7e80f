import { z } from 'zod';
import { type Env, parseEnv } from './env.js';

const schema = z.object({
  ZAPDEPLOY_RUNTIME: z
    .enum(['docker', 'process', 'kubernetes', 'memory', 'auto'], { message: 'expected docker, process, kubernetes or memory' })
    .default('auto'),
  DOCKER_SOCKET: z.string().default('/var/run/docker.sock'),
  ZAPDEPLOY_KUBECONFIG: z.string().min(1).optional(),
  ZAPDEPLOY_CLUSTER_CHECK_SECONDS: z.coerce.number().int().min(10, 'expected at least 10 seconds').default(300),
});

/**
 * The platform's own cluster (`local`): the runtime it was started with. Every process reads it the same way; the
 * API and the workers ensure the cluster row exists at start.
 */
export type LocalClusterConfig = {
  /** auto: Docker when its socket is there, else local processes. */
  readonly runtime: 'docker' | 'process' | 'kubernetes' | 'memory' | 'auto';
  readonly dockerSocket: string;
  /** Path of the first Kubernetes cluster's kubeconfig (ZAPDEPLOY_RUNTIME=kubernetes). */
  readonly kubeconfigPath: string | undefined;
  /** How often every cluster's capacity is read again. */
  readonly checkMs: number;
};

export function loadLocalClusterConfig(env: Env): LocalClusterConfig {
  const e = parseEnv(
    schema.refine((v) => v.ZAPDEPLOY_RUNTIME !== 'kubernetes' || v.ZAPDEPLOY_KUBECONFIG !== undefined, {
      path: ['ZAPDEPLOY_KUBECONFIG'],
      message: 'required when ZAPDEPLOY_RUNTIME=kubernetes: the path of the cluster’s kubeconfig',
    }),
    env,
  );
  return {
    runtime: e.ZAPDEPLOY_RUNTIME,
    dockerSocket: e.DOCKER_SOCKET,
    kubeconfigPath: e.ZAPDEPLOY_KUBECONFIG,
    checkMs: e.ZAPDEPLOY_CLUSTER_CHECK_SECONDS * 1000,
  };
}
