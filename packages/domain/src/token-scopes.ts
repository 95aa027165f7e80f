import { DomainError } from './errors.js';

/**
 * What a personal API token may do. `read`: look only (GET); `deploy`: also create instances and redeploy,
 * restart, pause and resume them (CI); `full`: everything the owner can do with a session.
 */
export const TOKEN_SCOPES = ['read', 'deploy', 'full'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

const RANK: Record<TokenScope, number> = { read: 0, deploy: 1, full: 2 };

/** Whether a caller holding `granted` may do something that needs `required`. */
export function scopeCovers(granted: TokenScope, required: TokenScope): boolean {
  return RANK[granted] >= RANK[required];
}

/** Throws when a caller holding `granted` tries something that needs `required`. */
export function assertScope(granted: TokenScope, required: TokenScope): void {
  if (!scopeCovers(granted, required)) throw new DomainError('forbidden', 'token_scope_insufficient', { scope: required });
}

/** Token lifetimes offered, in days; null: no expiry. */
export const TOKEN_MAX_DAYS = 365;
