import type { ClusterDto } from '@zapdeploy/contracts';
import type { ClusterRecord, ClusterUsage } from '@zapdeploy/db';
import { type Locale, translate } from '../http/messages.js';

/** A probe failure as stored in `clusters.last_error`: `<reason>:<address or refused field>`. */
export function storedProbeError(reason: string, where: string): string {
  return where ? `${reason}:${where}` : reason;
}

export function describeProbeError(stored: string, locale: Locale): { reason: string; detail: string } {
  const at = stored.indexOf(':');
  const reason = at < 0 ? stored : stored.slice(0, at);
  const where = at < 0 ? '' : stored.slice(at + 1);
  return { reason, detail: translate(`cluster_unreachable.${reason}`, locale, { endpoint: where, field: where }) ?? reason };
}

/** A cluster for an admin response: never its credentials. */
export function toClusterDto(cluster: ClusterUsage, locale: Locale): ClusterDto {
  return {
    id: cluster.id,
    name: cluster.name,
    kind: cluster.kind,
    region: cluster.region,
    status: cluster.status,
    registry: cluster.registry,
    storageClass: cluster.storageClass,
    monthlyCostCents: cluster.monthlyCostCents,
    currency: 'BRL',
    capacity:
      cluster.capacityMemoryMb === null || cluster.capacityCpuMillis === null
        ? null
        : { memoryMb: cluster.capacityMemoryMb, cpuMillis: cluster.capacityCpuMillis },
    allocatable:
      cluster.allocatableMemoryMb === null || cluster.allocatableCpuMillis === null
        ? null
        : { memoryMb: cluster.allocatableMemoryMb, cpuMillis: cluster.allocatableCpuMillis },
    requested: { memoryMb: cluster.requestedMemoryMb, cpuMillis: cluster.requestedCpuMillis },
    instanceCount: cluster.instanceCount,
    lastCheckedAt: cluster.lastCheckedAt?.toISOString() ?? null,
    lastError: cluster.lastError ? describeProbeError(cluster.lastError, locale) : null,
    createdAt: cluster.createdAt.toISOString(),
    updatedAt: cluster.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a cluster (no credentials: those are only said to have changed). */
export function auditSnapshot(cluster: ClusterRecord): Record<string, unknown> {
  return {
    name: cluster.name,
    kind: cluster.kind,
    region: cluster.region,
    status: cluster.status,
    registry: cluster.registry,
    storageClass: cluster.storageClass,
    monthlyCostCents: cluster.monthlyCostCents,
  };
}
