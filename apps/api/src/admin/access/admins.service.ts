import type { Admin } from '@zapdeploy/contracts';
import type { AdminAuditRepository, Db, RoleHolding, RoleRepository, UserRepository } from '@zapdeploy/db';
import { ADMIN_AREA_NAMES, type AdminArea, areaOfRole, areaRole, areasGrantedBy, DomainError, notFound, OWNER_ROLE } from '@zapdeploy/domain';
import type { AdminActor } from '../admin-actor.js';

export type AdminsDeps = {
  readonly db: Db;
  readonly roles: RoleRepository;
  readonly users: UserRepository;
  readonly audit: AdminAuditRepository;
};

/** What the audit log keeps of someone's administrative roles. */
type RolesSnapshot = { readonly areas: AdminArea[]; readonly owner: boolean; readonly roles: string[] };

const snapshot = (roles: readonly string[]): RolesSnapshot => ({
  areas: ADMIN_AREA_NAMES.filter((area) => roles.includes(areaRole(area))),
  owner: roles.includes(OWNER_ROLE),
  roles: [...roles],
});

/**
 * The console's administrators: everyone holding a role. An owner (or whoever has the `admins` area) gives an account
 * exactly some areas (their `area-*` roles; `owner` is never given here) or revokes them all; each change is audited
 * in its transaction.
 */
export class AdminsService {
  constructor(private readonly deps: AdminsDeps) {}

  async list(): Promise<Admin[]> {
    const byUser = new Map<string, RoleHolding[]>();
    for (const holding of await this.deps.roles.holdings()) byUser.set(holding.userId, [...(byUser.get(holding.userId) ?? []), holding]);
    return [...byUser.values()].map((holdings) => toAdmin(holdings));
  }

  /** Grants and revokes `area-*` roles so that the account holds exactly `areas`. */
  async setAreas(actor: AdminActor, userId: string, areas: readonly AdminArea[]): Promise<Admin> {
    if (actor.userId === userId) throw new DomainError('conflict', 'cannot_change_self');
    const user = await this.deps.users.findById(userId);
    if (!user) throw notFound('user');
    if (user.isGuest) throw new DomainError('invalid', 'guest_cannot_be_admin');
    const wanted = new Set(areas.map(areaRole));
    await this.deps.db.transaction(async (tx) => {
      // One change to an account's roles at a time: the last one asked for is what it holds.
      await this.deps.roles.lockHolder(userId, tx);
      const held = await this.deps.roles.rolesOf(userId, tx);
      for (const role of wanted) if (!held.includes(role)) await this.deps.roles.grant(userId, role, actor.userId, tx);
      for (const role of held) if (areaOfRole(role) && !wanted.has(role)) await this.deps.roles.revoke(userId, role, tx);
      const now = await this.deps.roles.rolesOf(userId, tx);
      await this.deps.audit.record(
        {
          actorId: actor.userId,
          action: 'admin.set_areas',
          targetType: 'user',
          targetId: userId,
          before: snapshot(held),
          after: snapshot(now),
          ip: actor.ip,
          requestId: actor.requestId,
        },
        tx,
      );
    });
    const holdings = await this.deps.roles.holdings(userId);
    return holdings.length > 0 ? toAdmin(holdings) : { userId, email: user.email, name: user.name, areas: [], owner: false, grantedAt: null };
  }

  /**
   * Revokes every role of the account but `owner`; `owner` too when the caller is an owner, unless it is the last one
   * (409 `last_owner`, nothing revoked).
   */
  async revoke(actor: AdminActor, userId: string): Promise<void> {
    const user = await this.deps.users.findById(userId);
    if (!user) throw notFound('user');
    await this.deps.db.transaction(async (tx) => {
      await this.deps.roles.lockHolder(userId, tx);
      const held = await this.deps.roles.rolesOf(userId, tx);
      let revokeOwner = false;
      if (held.includes(OWNER_ROLE)) {
        // Owners read under lock: two owners revoking each other at once cannot leave none.
        const owners = await this.deps.roles.holdersForUpdate(OWNER_ROLE, tx);
        revokeOwner = owners.includes(actor.userId);
        if (revokeOwner && owners.filter((id) => id !== userId).length === 0) throw new DomainError('conflict', 'last_owner');
      }
      for (const role of held) {
        if (role !== OWNER_ROLE || revokeOwner) await this.deps.roles.revoke(userId, role, tx);
      }
      const now = await this.deps.roles.rolesOf(userId, tx);
      await this.deps.audit.record(
        {
          actorId: actor.userId,
          action: 'admin.revoke',
          targetType: 'user',
          targetId: userId,
          before: snapshot(held),
          after: snapshot(now),
          ip: actor.ip,
          requestId: actor.requestId,
        },
        tx,
      );
    });
  }
}

function toAdmin(holdings: readonly RoleHolding[]): Admin {
  const [first] = holdings;
  if (!first) throw new Error('an administrator without a role');
  const roles = holdings.map((holding) => holding.roleId);
  const grantedAt = new Date(Math.min(...holdings.map((holding) => holding.grantedAt.getTime())));
  return {
    userId: first.userId,
    email: first.email,
    name: first.name,
    areas: areasGrantedBy(roles),
    owner: roles.includes(OWNER_ROLE),
    grantedAt: grantedAt.toISOString(),
  };
}
