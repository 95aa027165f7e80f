import { DomainError } from './errors.js';
import { MAX_DEV_INSTANCES_PER_USER } from './instance-policy.js';

export type SignupContext = {
  /** Anyone may sign up. */
  readonly publicSignups: boolean;
  /** Only this machine can reach the platform (loopback binds and public URL). */
  readonly localOnly: boolean;
  /** ZAPDEPLOY_SUPERADMINS, lower case. */
  readonly superAdmins: readonly string[];
  /** ZAPDEPLOY_SIGNUP_ALLOWLIST: e-mails and `@domain` entries, lower case. */
  readonly allowlist: readonly string[];
  /** Accounts (not guests) that exist already. */
  readonly existingAccounts: number;
};

/**
 * Whether a new account with this e-mail may be created (e-mail sign-up or a first GitHub sign-in). A closed
 * install (ZAPDEPLOY_PUBLIC_SIGNUPS=false) admits only the operator's people: ZAPDEPLOY_SUPERADMINS, the
 * allowlist, and, on an install only this machine can reach, the very first account (the newcomer running
 * `npm start` on a laptop). The first-account rule does not apply to an install reachable from elsewhere:
 * whoever found it first would own it.
 */
export function assertCanSignUp(email: string, context: SignupContext): void {
  if (context.publicSignups) return;
  const address = email.trim().toLowerCase();
  const domain = address.slice(address.lastIndexOf('@'));
  if (context.superAdmins.includes(address)) return;
  if (context.allowlist.includes(address) || (domain.length > 1 && context.allowlist.includes(domain))) return;
  if (context.localOnly && context.existingAccounts === 0) return;
  throw new DomainError('forbidden', 'signups_closed');
}

/** Guest sessions are handed out only where the install lets visitors in. */
export function assertCanStartGuest(guestsAllowed: boolean): void {
  if (!guestsAllowed) throw new DomainError('forbidden', 'guests_disabled');
}

/**
 * A guest's instances join the account they sign in or sign up with only if the account's limits still hold:
 * the free dev plan allows MAX_DEV_INSTANCES_PER_USER per account, guests included.
 */
export function assertCanMergeGuest(context: { readonly guestDevInstances: number; readonly accountDevInstances: number }): void {
  if (context.guestDevInstances > 0 && context.guestDevInstances + context.accountDevInstances > MAX_DEV_INSTANCES_PER_USER) {
    throw new DomainError('limit', 'guest_merge_dev_limit', { max: MAX_DEV_INSTANCES_PER_USER });
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** When an idle guest (and their instances) is deleted: `ttlDays` after their last request. */
export function guestExpiresAt(lastActiveAt: Date, ttlDays: number): Date {
  return new Date(lastActiveAt.getTime() + ttlDays * DAY_MS);
}

/** Guests last active before this moment are expired. */
export function guestExpiryCutoff(now: Date, ttlDays: number): Date {
  return new Date(now.getTime() - ttlDays * DAY_MS);
}
