import type { AdminInstanceDto } from '@zapdeploy/contracts';
import type { AdminInstanceRecord, DeploymentRecord } from '@zapdeploy/db';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** An instance for an operator (statusDetail is filled in the caller's language by LocalizeStatusInterceptor). */
export function toAdminInstanceDto(record: AdminInstanceRecord): AdminInstanceDto {
  return {
    id: record.id,
    name: record.name,
    ownerId: record.ownerId,
    ownerEmail: record.ownerEmail,
    guest: record.guest,
    status: record.status,
    statusReason: record.statusReason,
    statusDetail: null,
    desiredState: record.desiredState,
    pausedBySuspension: record.pausedBySuspension,
    planId: record.planId,
    planName: record.planName,
    clusterId: record.clusterId,
    clusterName: record.clusterName,
    targetClusterId: record.targetClusterId,
    billingState: record.billingState as AdminInstanceDto['billingState'],
    billingMethod: record.billingMethod as AdminInstanceDto['billingMethod'],
    paidUntil: iso(record.paidUntil),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function toAdminInstanceDetailDto(record: AdminInstanceRecord, deployments: readonly DeploymentRecord[]) {
  return {
    ...toAdminInstanceDto(record),
    repoUrl: record.repoUrl,
    branch: record.branch,
    deployments: deployments.map((deployment) => ({
      id: deployment.id,
      number: deployment.number,
      status: deployment.status,
      trigger: deployment.trigger,
      commitSha: deployment.commitSha,
      error: deployment.error,
      createdAt: deployment.createdAt.toISOString(),
      finishedAt: iso(deployment.finishedAt),
    })),
  };
}

/** What the admin audit keeps of an instance before and after a change. */
export function instanceSnapshot(record: AdminInstanceRecord): Record<string, unknown> {
  return {
    ownerId: record.ownerId,
    status: record.status,
    statusReason: record.statusReason,
    desiredState: record.desiredState,
    planId: record.planId,
    billingState: record.billingState,
    billingMethod: record.billingMethod,
    paidUntil: record.paidUntil,
  };
}
