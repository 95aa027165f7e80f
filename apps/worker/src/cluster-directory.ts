import { type ClusterRepository, type Db, DEFAULT_CLUSTER_NAME, WorkerInstanceRepository } from '@zapdeploy/db';
import type { TenantDirectory } from '@zapdeploy/runtime/kubernetes';
import type { ClusterConnection, ClusterDirectory } from './cluster-router.js';

/** The platform's clusters as the worker's router reads them (connections kept a few seconds: every call asks). */
export class DbClusterDirectory implements ClusterDirectory {
  private cached: { at: number; clusters: Promise<readonly ClusterConnection[]> } | undefined;
  private localId: string | null = null;

  constructor(
    private readonly repository: ClusterRepository,
    private readonly work: WorkerInstanceRepository,
    private readonly ttlMs = 5_000,
  ) {}

  clusterOf(instanceId: string): Promise<string | null> {
    return this.work.clusterOf(instanceId);
  }

  async localClusterId(): Promise<string | null> {
    this.localId ??= (await this.repository.list()).find((cluster) => cluster.name === DEFAULT_CLUSTER_NAME)?.id ?? null;
    return this.localId;
  }

  clusters(options: { fresh?: boolean } = {}): Promise<readonly ClusterConnection[]> {
    if (options.fresh || !this.cached || Date.now() - this.cached.at > this.ttlMs) {
      const clusters = this.read();
      this.cached = { at: Date.now(), clusters };
      clusters.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.clusters;
  }

  private async read(): Promise<readonly ClusterConnection[]> {
    const connections: ClusterConnection[] = [];
    for (const cluster of await this.repository.list()) {
      const credentials = await this.repository.credentials(cluster.id);
      if (credentials === undefined) continue;
      connections.push({
        id: cluster.id,
        kind: cluster.kind,
        credentials,
        registry: cluster.registry,
        storageClass: cluster.storageClass,
        version: cluster.updatedAt.toISOString(),
      });
    }
    return connections;
  }
}

/** Each instance's tenant on a shared engine (its owner) and what the tenant's plans allow, from the database. */
export function tenantDirectory(work: WorkerInstanceRepository): TenantDirectory {
  return { tenantOf: (id) => work.tenantOf(id), allowanceOf: (tenant) => work.tenantAllowance(tenant) };
}

/** The same, reading the platform's database. */
export function databaseTenants(db: Db): TenantDirectory {
  return tenantDirectory(new WorkerInstanceRepository(db));
}
