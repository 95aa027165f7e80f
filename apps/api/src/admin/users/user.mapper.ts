import type { UserDetailDto, UserSummaryDto } from '@zapdeploy/contracts';
import type { AdminInstanceRecord, AdminPaymentRecord, UserSummaryRecord } from '@zapdeploy/db';
import { toAdminInstanceDto } from '../instances/admin-instance.mapper.js';

export function toUserSummaryDto(record: UserSummaryRecord): UserSummaryDto {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    isGuest: record.isGuest,
    suspended: record.suspendedAt !== null,
    instanceCount: record.instanceCount,
    createdAt: record.createdAt.toISOString(),
    lastActiveAt: record.lastActiveAt.toISOString(),
  };
}

export function toUserDetailDto(
  record: UserSummaryRecord,
  extra: { signInMethods: string[]; instances: readonly AdminInstanceRecord[]; payments: readonly AdminPaymentRecord[] },
): UserDetailDto {
  return {
    ...toUserSummaryDto(record),
    suspendedAt: record.suspendedAt?.toISOString() ?? null,
    suspendedReason: record.suspendedReason,
    maxInstances: record.maxInstances,
    signInMethods: extra.signInMethods,
    instances: extra.instances.map(toAdminInstanceDto),
    payments: extra.payments.map((payment) => ({
      id: payment.id,
      instanceId: payment.instanceId,
      planId: payment.planId,
      method: payment.method,
      amountCents: payment.amountCents,
      status: payment.status,
      approvedAt: payment.approvedAt?.toISOString() ?? null,
      createdAt: payment.createdAt.toISOString(),
    })),
  };
}
