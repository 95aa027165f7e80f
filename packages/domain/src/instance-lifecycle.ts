import { DomainError } from './errors.js';

export const INSTANCE_STATUSES = ['queued', 'building', 'starting', 'running', 'crashed', 'paused', 'failed', 'deleting', 'deleted'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export const DESIRED_STATES = ['running', 'paused', 'deleted'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export type InstanceAction = 'pause' | 'resume' | 'redeploy' | 'restart' | 'delete';

export type ActionOutcome = {
  readonly desiredState: DesiredState;
  /** Status shown until a worker reports: the user sees the intent at once. */
  readonly status: InstanceStatus;
  /** True when the action needs a new deployment (clone + build). */
  readonly newDeployment: boolean;
};

/** What an action does to an instance's desired state; throws when it makes no sense now. */
export function planAction(
  action: InstanceAction,
  current: { readonly desiredState: DesiredState; readonly status: InstanceStatus; readonly statusReason?: string | null },
): ActionOutcome {
  if (current.desiredState === 'deleted') {
    throw new DomainError('conflict', 'instance_deleted');
  }
  // Paused for payment: only paying (or moving to the free plan) brings it back.
  if (action !== 'pause' && action !== 'delete' && isPaymentHold(current.statusReason)) {
    throw new DomainError('payment_required', 'instance_unpaid');
  }
  switch (action) {
    case 'pause':
      return { desiredState: 'paused', status: current.status, newDeployment: false };
    case 'resume':
      if (current.desiredState !== 'paused') throw new DomainError('conflict', 'instance_not_paused');
      return { desiredState: 'running', status: current.status, newDeployment: false };
    case 'restart':
      if (current.desiredState === 'paused') throw new DomainError('conflict', 'instance_paused');
      return { desiredState: 'running', status: current.status, newDeployment: false };
    case 'redeploy':
      return { desiredState: 'running', status: 'queued', newDeployment: true };
    case 'delete':
      return { desiredState: 'deleted', status: 'deleting', newDeployment: false };
  }
}

/** An instance held for payment: created awaiting its first payment, or paused after dunning. */
export function isPaymentHold(reason: string | null | undefined): boolean {
  return reason === 'awaiting_payment' || reason === 'payment_overdue';
}

/** Why an instance is paused while its owner's account is suspended ("conta suspensa"). */
export const ACCOUNT_SUSPENDED_REASON = 'account_suspended';

/** Reasons the platform (not the user) pauses an instance for: kept on the instance until it is resumed. */
export const SYSTEM_PAUSE_REASONS = ['disk_quota', 'payment_overdue', 'awaiting_payment', ACCOUNT_SUSPENDED_REASON] as const;

export function isSystemPauseReason(reason: string | null | undefined): boolean {
  if (!reason) return false;
  const code = reason.split(':')[0];
  return (SYSTEM_PAUSE_REASONS as readonly string[]).includes(code ?? '');
}
