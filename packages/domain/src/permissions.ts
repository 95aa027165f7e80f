/** What an administrator may do; roles (in Postgres) hold sets of these. */
export const PERMISSIONS = [
  'clusters.read',
  'clusters.write',
  'instances.read',
  'instances.write',
  'users.read',
  'users.suspend',
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
