import { and, asc, count, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { accounts, instances, users } from '../schema.js';

export type UserRecord = {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly image: string | null;
  readonly isGuest: boolean;
  readonly adminFlags: readonly string[];
  readonly suspended: boolean;
  readonly lastActiveAt: Date;
  readonly createdAt: Date;
};

/** Activity is recorded at most this often per user (one write an hour, not one per request). */
const ACTIVITY_RESOLUTION_MS = 60 * 60 * 1000;

export class UserRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      email: row.email,
      emailVerified: row.emailVerified,
      image: row.image,
      isGuest: row.isAnonymous,
      adminFlags: row.adminFlags,
      suspended: row.suspendedAt !== null,
      lastActiveAt: row.lastActiveAt,
      createdAt: row.createdAt,
    };
  }

  /** Notes that the user made a request (recorded to the hour). */
  async touch(id: string, now = new Date()): Promise<void> {
    await this.db
      .update(users)
      .set({ lastActiveAt: now })
      .where(and(eq(users.id, id), lt(users.lastActiveAt, new Date(now.getTime() - ACTIVITY_RESOLUTION_MS))));
  }

  /** Accounts that are not guests. */
  async countAccounts(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users).where(eq(users.isAnonymous, false));
    return row?.n ?? 0;
  }

  /** Guests whose last request is older than `cutoff`, oldest first. */
  async idleGuests(cutoff: Date, limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.isAnonymous, true), lt(users.lastActiveAt, cutoff)))
      .orderBy(asc(users.lastActiveAt))
      .limit(limit);
    return rows.map((row) => row.id);
  }

  /** Deletes a guest (sessions go with it) if still idle since before `cutoff`; false when they came back or are gone. */
  async deleteIdleGuest(id: string, cutoff: Date): Promise<boolean> {
    const rows = await this.db
      .delete(users)
      .where(and(eq(users.id, id), eq(users.isAnonymous, true), lt(users.lastActiveAt, cutoff)))
      .returning({ id: users.id });
    return rows.length > 0;
  }

  /** Adds flags to the users with these e-mails (case-insensitive); returns how many users changed. */
  async grantFlagsByEmail(emails: readonly string[], flags: readonly string[]): Promise<number> {
    if (emails.length === 0 || flags.length === 0) return 0;
    const lowered = emails.map((email) => email.toLowerCase());
    const changed = await this.db
      .update(users)
      .set({
        adminFlags: sql`(select coalesce(array_agg(distinct f), '{}') from unnest(${users.adminFlags} || ${sql.param(flags)}::text[]) as f)`,
        updatedAt: new Date(),
      })
      .where(inArray(sql`lower(${users.email})`, lowered))
      .returning({ id: users.id });
    return changed.length;
  }

  /** The id of the user's linked account with an auth provider (e.g. github), if any. */
  async linkedAccountId(userId: string, providerId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ id: accounts.id })
      .from(accounts)
      .where(and(eq(accounts.userId, userId), eq(accounts.providerId, providerId)));
    return row?.id;
  }

  /** Moves a guest's live instances to the account they signed up or signed in with. */
  async transferInstances(fromUserId: string, toUserId: string, tx: Db = this.db): Promise<number> {
    const moved = await tx
      .update(instances)
      .set({ ownerId: toUserId, updatedAt: new Date() })
      .where(and(eq(instances.ownerId, fromUserId), isNull(instances.deletedAt)))
      .returning({ id: instances.id });
    return moved.length;
  }
}
