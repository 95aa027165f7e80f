import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { roles, userRoles, users } from '../schema.js';

export type RoleHolding = { readonly userId: string; readonly email: string; readonly name: string; readonly roleId: string; readonly grantedAt: Date };

/** Roles (sets of permissions) and who holds them. Read on every admin request: a revoke applies at once. */
export class RoleRepository {
  constructor(private readonly db: Db) {}

  /** Every permission the user holds through their roles (`*` included as is). */
  async permissionsOf(userId: string, tx: Db = this.db): Promise<string[]> {
    const rows = await tx
      .select({ permission: sql<string>`unnest(${roles.permissions})` })
      .from(userRoles)
      .innerJoin(roles, eq(roles.id, userRoles.roleId))
      .where(eq(userRoles.userId, userId));
    return [...new Set(rows.map((row) => row.permission))].sort();
  }

  async rolesOf(userId: string, tx: Db = this.db): Promise<string[]> {
    const rows = await tx.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, userId)).orderBy(userRoles.roleId);
    return rows.map((row) => row.roleId);
  }

  /** Every role held (of one user, or of everyone), with its holder's e-mail and name; by e-mail, then role. */
  async holdings(userId?: string, tx: Db = this.db): Promise<RoleHolding[]> {
    return tx
      .select({ userId: userRoles.userId, email: users.email, name: users.name, roleId: userRoles.roleId, grantedAt: userRoles.createdAt })
      .from(userRoles)
      .innerJoin(users, eq(users.id, userRoles.userId))
      .where(userId === undefined ? undefined : eq(userRoles.userId, userId))
      .orderBy(asc(users.email), asc(userRoles.roleId));
  }

  /** Locks the account until the transaction ends, so that changes to its roles happen one at a time. */
  async lockHolder(userId: string, tx: Db): Promise<void> {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
  }

  /** Who holds the role, each holding locked until the transaction ends (so that two revokes cannot both pass a count). */
  async holdersForUpdate(roleId: string, tx: Db): Promise<string[]> {
    const rows = await tx.select({ userId: userRoles.userId }).from(userRoles).where(eq(userRoles.roleId, roleId)).for('update');
    return rows.map((row) => row.userId);
  }

  /** Whether it was granted now (false: the user already had it). */
  async grant(userId: string, roleId: string, grantedBy: string | null, tx: Db = this.db): Promise<boolean> {
    const rows = await tx.insert(userRoles).values({ userId, roleId, grantedBy }).onConflictDoNothing().returning({ userId: userRoles.userId });
    return rows.length > 0;
  }

  async revoke(userId: string, roleId: string, tx: Db = this.db): Promise<boolean> {
    const rows = await tx
      .delete(userRoles)
      .where(and(eq(userRoles.userId, userId), eq(userRoles.roleId, roleId)))
      .returning({ userId: userRoles.userId });
    return rows.length > 0;
  }

  /**
   * Accounts (never guests) with one of these e-mails (case-insensitive) that may hold a role given by e-mail: those
   * whose address was confirmed, or every one when the install does not ask for confirmation.
   */
  async accountsByEmail(emails: readonly string[], options: { readonly verifiedOnly: boolean }, tx: Db = this.db): Promise<string[]> {
    if (emails.length === 0) return [];
    const rows = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          inArray(
            sql`lower(${users.email})`,
            emails.map((email) => email.toLowerCase()),
          ),
          eq(users.isAnonymous, false),
          options.verifiedOnly ? eq(users.emailVerified, true) : undefined,
        ),
      );
    return rows.map((row) => row.id);
  }

  /** The role's permissions; undefined when there is no such role. */
  async role(id: string, tx: Db = this.db): Promise<string[] | undefined> {
    const [row] = await tx.select({ permissions: roles.permissions }).from(roles).where(eq(roles.id, id));
    return row?.permissions;
  }

  /** Creates or replaces a role (seeded ones included). */
  async upsertRole(id: string, permissions: readonly string[], description = '', tx: Db = this.db): Promise<void> {
    await tx
      .insert(roles)
      .values({ id, permissions: [...permissions], description })
      .onConflictDoUpdate({ target: roles.id, set: { permissions: [...permissions], description } });
  }
}
