import type { InstanceDto } from '@zapdeploy/contracts';
import type { DeploymentRecord, InstanceRecord } from '@zapdeploy/db';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toDeploymentDto(deployment: DeploymentRecord) {
  return {
    id: deployment.id,
    number: deployment.number,
    status: deployment.status,
    trigger: deployment.trigger,
    commitSha: deployment.commitSha,
    error: deployment.error,
    createdAt: deployment.createdAt.toISOString(),
    startedAt: iso(deployment.startedAt),
    finishedAt: iso(deployment.finishedAt),
  };
}

export function toInstanceDto(record: InstanceRecord): InstanceDto {
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    statusReason: record.statusReason,
    statusDetail: null,
    desiredState: record.desiredState,
    planId: record.planId,
    repoUrl: record.repoUrl,
    branch: record.branch,
    rootDir: record.rootDir,
    envKeys: [...record.envKeys],
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    currentDeployment: record.currentDeployment ? toDeploymentDto(record.currentDeployment) : null,
  };
}
