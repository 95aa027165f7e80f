import type { RoleRepository, UserRepository } from '@zapdeploy/db';
import {
  ADMIN_AREA_NAMES,
  type AdminArea,
  areaFlag,
  areaOf,
  areasGrantedBy,
  hasPermission,
  OWNER_ROLE,
  type Permission,
  permissionsInEffect,
} from '@zapdeploy/domain';
import type { AdminFlags } from './admin-flags.js';

/** Why a caller may not: no role gives the permission, or the flag of its area is off for them. */
export type AccessDecision =
  | { readonly allowed: true; readonly granted: readonly string[] }
  | { readonly allowed: false; readonly missing: 'permission' | 'flag'; readonly flag?: string };

/** A caller's console access now: the areas open to them (role and flag), what they may do, whether they own it all. */
export type AdminSummary = {
  readonly userId: string;
  readonly email: string;
  readonly areas: AdminArea[];
  readonly permissions: Permission[];
  readonly owner: boolean;
};

/**
 * Who may do what in the console: a permission held through a role (read from Postgres on every call) AND the flag of
 * its area (`admin.<area>`) on for the caller. Flags narrow, never grant; anything not shown to be allowed is refused.
 */
export class AdminAccess {
  constructor(private readonly deps: { readonly roles: RoleRepository; readonly users: UserRepository; readonly flags: AdminFlags }) {}

  async decide(userId: string, permission: Permission): Promise<AccessDecision> {
    const granted = await this.deps.roles.permissionsOf(userId);
    const area = areaOf(permission);
    if (!hasPermission(granted, permission) || !area) return { allowed: false, missing: 'permission' };
    const open = await this.flagOn(userId, area);
    return open ? { allowed: true, granted } : { allowed: false, missing: 'flag', flag: areaFlag(area) };
  }

  async summary(userId: string): Promise<AdminSummary | undefined> {
    const user = await this.deps.users.findById(userId);
    if (!user) return undefined;
    const [roles, granted] = await Promise.all([this.deps.roles.rolesOf(userId), this.deps.roles.permissionsOf(userId)]);
    const subject = { userId, email: user.email, roles };
    const flags = await Promise.all(ADMIN_AREA_NAMES.map(async (area) => [area, await this.deps.flags.isOn(areaFlag(area), subject)] as const));
    const flagged = flags.filter(([, on]) => on).map(([area]) => area);
    const areas = areasGrantedBy(roles).filter((area) => flagged.includes(area));
    return { userId, email: user.email, areas, permissions: permissionsInEffect(granted, flagged), owner: roles.includes(OWNER_ROLE) };
  }

  private async flagOn(userId: string, area: AdminArea): Promise<boolean> {
    const user = await this.deps.users.findById(userId);
    if (!user) return false;
    const roles = await this.deps.roles.rolesOf(userId);
    return this.deps.flags.isOn(areaFlag(area), { userId, email: user.email, roles });
  }
}
