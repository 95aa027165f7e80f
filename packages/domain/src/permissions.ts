/** What an administrator may do; roles (in Postgres) hold sets of these. */
export const PERMISSIONS = [
  'clusters.read',
  'clusters.write',
  'instances.read',
  'instances.write',
  'users.read',
  'users.suspend',
  'plans.read',
  'plans.write',
  'finance.read',
  'admins.manage',
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** A role holding this has every permission, those added later included. */
export const ALL_PERMISSIONS = '*';

/** Whether a set of granted permissions (from every role of a user) covers `wanted`. Nothing granted: no. */
export function hasPermission(granted: readonly string[], wanted: Permission): boolean {
  return granted.includes(ALL_PERMISSIONS) || granted.includes(wanted);
}

/** The console's areas: each is a role (`area-<name>`, seeded) holding these permissions, behind the flag `admin.<name>`. */
export const ADMIN_AREAS = {
  clusters: ['clusters.read', 'clusters.write'],
  users: ['users.read', 'users.suspend'],
  instances: ['instances.read', 'instances.write'],
  plans: ['plans.read', 'plans.write'],
  finance: ['finance.read'],
  admins: ['admins.manage', 'audit.read'],
} as const satisfies Record<string, readonly Permission[]>;
export type AdminArea = keyof typeof ADMIN_AREAS;
export const ADMIN_AREA_NAMES = Object.keys(ADMIN_AREAS) as AdminArea[];

/** The role that grants an area. */
export const areaRole = (area: AdminArea): string => `area-${area}`;
/** The feature flag that narrows an area. */
export const areaFlag = (area: AdminArea): string => `admin.${area}`;

/** The area a permission belongs to. */
export function areaOf(permission: Permission): AdminArea | undefined {
  return ADMIN_AREA_NAMES.find((area) => (ADMIN_AREAS[area] as readonly Permission[]).includes(permission));
}

/** The role holding every permission and every area (ZAPDEPLOY_SUPERADMINS get it). */
export const OWNER_ROLE = 'owner';

/** The area a role grants (`area-<area>`); undefined for any other role. */
export function areaOfRole(role: string): AdminArea | undefined {
  return ADMIN_AREA_NAMES.find((area) => areaRole(area) === role);
}

/** The areas a set of roles grants: every area to an owner, else one per `area-<area>` role. In the areas' order. */
export function areasGrantedBy(roles: readonly string[]): AdminArea[] {
  if (roles.includes(OWNER_ROLE)) return [...ADMIN_AREA_NAMES];
  return ADMIN_AREA_NAMES.filter((area) => roles.includes(areaRole(area)));
}

/**
 * What an administrator may do now: the permissions of their roles (`*` is every permission) whose area is open to them
 * (its flag on). A permission of no area is never in effect. In the permissions' order.
 */
export function permissionsInEffect(granted: readonly string[], openAreas: readonly AdminArea[]): Permission[] {
  return PERMISSIONS.filter((permission) => {
    const area = areaOf(permission);
    return area !== undefined && openAreas.includes(area) && hasPermission(granted, permission);
  });
}
