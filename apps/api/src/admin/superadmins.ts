import type { AdminAuditRepository, Db, RoleRepository, UserRepository } from '@zapdeploy/db';
import { OWNER_ROLE } from '@zapdeploy/domain';

export type SuperadminDeps = {
  readonly db: Db;
  readonly roles: RoleRepository;
  readonly users: UserRepository;
  readonly audit: AdminAuditRepository;
  /** ZAPDEPLOY_SUPERADMINS, lower case. */
  readonly emails: readonly string[];
  /** The install confirms e-mails: only confirmed addresses get the role (else whoever signs up with one would). */
  readonly verifiedOnly: boolean;
};

/**
 * ZAPDEPLOY_SUPERADMINS get the `owner` role: every such account at start, and an account created later when it first
 * signs in. Guests never; with e-mail confirmation on, only confirmed addresses. Each grant is audited (actor: the
 * platform). Nothing is revoked here: an e-mail taken off the list keeps its role until an owner revokes it.
 */
export class Superadmins {
  constructor(private readonly deps: SuperadminDeps) {}

  /** At start: every existing account of the list. */
  async grantAll(): Promise<number> {
    let granted = 0;
    for (const userId of await this.deps.roles.accountsByEmail(this.deps.emails, { verifiedOnly: this.deps.verifiedOnly })) {
      if (await this.grant(userId)) granted += 1;
    }
    return granted;
  }

  /** At sign-in: the account, if it is on the list. */
  async onSignedIn(userId: string): Promise<void> {
    const user = await this.deps.users.findById(userId);
    if (!user || user.isGuest || !this.deps.emails.includes(user.email.toLowerCase())) return;
    if (this.deps.verifiedOnly && !user.emailVerified) return;
    await this.grant(userId);
  }

  private async grant(userId: string): Promise<boolean> {
    return this.deps.db.transaction(async (tx) => {
      const granted = await this.deps.roles.grant(userId, OWNER_ROLE, null, tx);
      if (granted) {
        await this.deps.audit.record(
          { actorId: null, action: 'role.grant', targetType: 'user', targetId: userId, after: { role: OWNER_ROLE, reason: 'ZAPDEPLOY_SUPERADMINS' } },
          tx,
        );
      }
      return granted;
    });
  }
}
