import { describe, expect, it } from 'vitest';
import { assertCanMergeGuest, assertCanSignUp, guestExpiresAt, guestExpiryCutoff } from './access-policy.js';
import { assertScope } from './token-scopes.js';

const closed = { publicSignups: false, localOnly: false, superAdmins: ['dona@x.com'], allowlist: ['ana@y.com', '@empresa.com.br'], existingAccounts: 3 };

describe(assertCanSignUp.name, () => {
  it('lets anyone in on a public install', () => {
    expect(() => assertCanSignUp('qualquer@z.com', { ...closed, publicSignups: true })).not.toThrow();
  });
  it('lets only the operator’s people into a closed one', () => {
    expect(() => assertCanSignUp('Dona@X.com', closed)).not.toThrow();
    expect(() => assertCanSignUp('ana@y.com', closed)).not.toThrow();
    expect(() => assertCanSignUp('bia@empresa.com.br', closed)).not.toThrow();
    expect(() => assertCanSignUp('bia@naoempresa.com.br', closed)).toThrow('signups_closed');
    expect(() => assertCanSignUp('bia@sub.empresa.com.br', closed)).toThrow('signups_closed');
  });
  it('admits a first account only where nobody else can reach the install', () => {
    expect(() => assertCanSignUp('eu@z.com', { ...closed, existingAccounts: 0, localOnly: true })).not.toThrow();
    expect(() => assertCanSignUp('eu@z.com', { ...closed, existingAccounts: 0, localOnly: false })).toThrow('signups_closed');
    expect(() => assertCanSignUp('eu@z.com', { ...closed, existingAccounts: 1, localOnly: true })).toThrow('signups_closed');
  });
});

describe(assertCanMergeGuest.name, () => {
  it('refuses to take an account past its free dev instance', () => {
    expect(() => assertCanMergeGuest({ guestDevInstances: 1, accountDevInstances: 0 })).not.toThrow();
    expect(() => assertCanMergeGuest({ guestDevInstances: 0, accountDevInstances: 1 })).not.toThrow();
    expect(() => assertCanMergeGuest({ guestDevInstances: 1, accountDevInstances: 1 })).toThrow('guest_merge_dev_limit');
  });
});

describe('guest expiry', () => {
  it('is the TTL after the last activity', () => {
    const last = new Date('2026-11-01T10:00:00Z');
    expect(guestExpiresAt(last, 7).toISOString()).toBe('2026-11-08T10:00:00.000Z');
    expect(guestExpiryCutoff(new Date('2026-11-08T10:00:00Z'), 7).toISOString()).toBe('2026-11-01T10:00:00.000Z');
  });
});

describe(assertScope.name, () => {
  it('orders read < deploy < full', () => {
    expect(() => assertScope('full', 'deploy')).not.toThrow();
    expect(() => assertScope('deploy', 'deploy')).not.toThrow();
    expect(() => assertScope('read', 'deploy')).toThrow('token_scope_insufficient');
    expect(() => assertScope('deploy', 'full')).toThrow('token_scope_insufficient');
  });
});
