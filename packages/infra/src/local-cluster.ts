import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LocalClusterConfig } from '@zapdeploy/config';
import { CLUSTER_CREDENTIALS_PURPOSE, ClusterRepository, type Db, SecretBox } from '@zapdeploy/db';
import type { ClusterKind } from '@zapdeploy/domain';

/** The clusters of this install, their credentials sealed under the master secret. */
export function openClusterRepository(db: Db, masterSecret: string): ClusterRepository {
  return new ClusterRepository(db, new SecretBox(masterSecret, CLUSTER_CREDENTIALS_PURPOSE));
}

/** The runtime this install was started with, as a cluster: its kind and the credentials to reach it. */
export async function localClusterSpec(config: LocalClusterConfig): Promise<{ kind: ClusterKind; credentials: string }> {
  const kind = config.runtime === 'auto' ? (existsSync(config.dockerSocket) ? 'docker' : 'process') : config.runtime;
  if (kind === 'kubernetes') {
    if (!config.kubeconfigPath) throw new Error('ZAPDEPLOY_RUNTIME=kubernetes needs ZAPDEPLOY_KUBECONFIG');
    return { kind, credentials: await readFile(config.kubeconfigPath, 'utf8') };
  }
  if (kind === 'docker') return { kind, credentials: config.dockerSocket.startsWith('/') ? `unix://${config.dockerSocket}` : config.dockerSocket };
  // Local processes, or the in-memory engine of tests and benchmarks: this machine.
  return { kind: 'process', credentials: 'this machine' };
}

/**
 * Makes sure the `local` cluster exists (created once; instances from before clusters are placed on it then). The API
 * calls it at start; a worker may too (idempotent).
 */
export async function ensureLocalCluster(clusters: ClusterRepository, config: LocalClusterConfig): Promise<void> {
  await clusters.ensureDefaultCluster(await localClusterSpec(config));
}
