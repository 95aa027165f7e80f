import type { DesiredState, InstanceStatus } from '@zapdeploy/domain';
import { and, asc, count, desc, eq, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { deployments, instanceEnv, instances, plans, users } from '../schema.js';
import type { SecretBox } from '../secret-box.js';

export type DeploymentRecord = {
  readonly id: string;
  readonly number: number;
  readonly status: string;
  readonly trigger: string;
  readonly commitSha: string | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
};

export type InstanceRecord = {
  readonly id: string;
  readonly ownerId: string | null;
  readonly name: string;
  readonly repoUrl: string;
  readonly branch: string | null;
  readonly rootDir: string;
  readonly planId: string;
  readonly status: InstanceStatus;
  readonly statusReason: string | null;
  readonly desiredState: DesiredState;
  readonly generation: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly currentDeployment: DeploymentRecord | null;
  readonly envKeys: readonly string[];
};

export type NewInstance = {
  readonly ownerId: string;
  readonly name: string;
  readonly repoUrl: string;
  readonly branch: string | null;
  readonly rootDir: string;
  readonly planId: string;
  readonly env: Readonly<Record<string, string>>;
  readonly githubInstallationId?: string | null;
  /** A production plan bought at creation starts paused, awaiting payment. */
  readonly awaitingPayment?: boolean;
};

export type InstanceChanges = {
  readonly name?: string;
  readonly planId?: string;
  readonly desiredState?: DesiredState;
  readonly status?: InstanceStatus;
  readonly statusReason?: string | null;
  readonly env?: Readonly<Record<string, string>>;
  /** Ask workers to recreate the container (restart) although nothing else changed. */
  readonly requestRestart?: boolean;
  /** Ask workers to clear the WhatsApp session folders (log out) and restart the bot. */
  readonly requestSessionReset?: boolean;
};

export type Page<T> = { readonly items: T[]; readonly nextCursor: string | null };

/**
 * Instances and their deployments. Every read and write that a user can cause takes the owner id
 * and filters on it: another user's instance is simply not found.
 */
export class InstanceRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  /** Serialises instance creation per user inside `tx` (so limits cannot be raced); returns the operator's cap on them. */
  async lockOwner(ownerId: string, tx: Db): Promise<{ maxInstances: number | null }> {
    const [row] = await tx.select({ maxInstances: users.maxInstances }).from(users).where(eq(users.id, ownerId)).for('update');
    return { maxInstances: row?.maxInstances ?? null };
  }

  async countLive(ownerId: string, tx: Db = this.db): Promise<{ all: number; dev: number }> {
    const [row] = await tx
      .select({
        all: count(),
        dev: sql<number>`count(*) filter (where ${plans.tier} = 'dev')`.mapWith(Number),
      })
      .from(instances)
      .innerJoin(plans, eq(plans.id, instances.planId))
      .where(and(eq(instances.ownerId, ownerId), isNull(instances.deletedAt)));
    return { all: row?.all ?? 0, dev: row?.dev ?? 0 };
  }

  async nameTaken(ownerId: string, name: string, tx: Db = this.db, exceptId?: string): Promise<boolean> {
    const rows = await tx
      .select({ id: instances.id })
      .from(instances)
      .where(and(eq(instances.ownerId, ownerId), eq(instances.name, name), isNull(instances.deletedAt)));
    return rows.some((row) => row.id !== exceptId);
  }

  /** Ids and names of the owner's live (not deleted) instances. */
  async liveOf(ownerId: string, tx: Db = this.db): Promise<{ id: string; name: string; desiredState: string }[]> {
    return tx
      .select({ id: instances.id, name: instances.name, desiredState: instances.desiredState })
      .from(instances)
      .where(and(eq(instances.ownerId, ownerId), isNull(instances.deletedAt)));
  }

  /** Inserts the instance, its first deployment and its env; returns the ids. */
  async create(input: NewInstance, tx: Db): Promise<{ instanceId: string; deploymentId: string }> {
    const instanceId = newId('ins');
    const deploymentId = newId('dep');
    await tx.insert(instances).values({
      id: instanceId,
      ownerId: input.ownerId,
      name: input.name,
      repoUrl: input.repoUrl,
      branch: input.branch,
      rootDir: input.rootDir,
      planId: input.planId,
      githubInstallationId: input.githubInstallationId ?? null,
      currentDeploymentId: deploymentId,
      ...(input.awaitingPayment ? { desiredState: 'paused', status: 'paused', statusReason: 'awaiting_payment' } : {}),
    });
    await tx.insert(deployments).values({ id: deploymentId, instanceId, number: 1, trigger: 'create' });
    await this.writeEnv(instanceId, input.env, tx);
    return { instanceId, deploymentId };
  }

  /** The owner of a live instance, for platform-side work (billing events) that starts from an instance id. */
  async ownerOf(id: string, tx: Db = this.db): Promise<string | null | undefined> {
    const [row] = await tx
      .select({ ownerId: instances.ownerId })
      .from(instances)
      .where(and(eq(instances.id, id), isNull(instances.deletedAt)));
    return row ? row.ownerId : undefined;
  }

  async findOwned(ownerId: string, id: string, tx: Db = this.db): Promise<InstanceRecord | undefined> {
    const [row] = await this.selectRecords(tx)
      .where(and(eq(instances.id, id), eq(instances.ownerId, ownerId), isNull(instances.deletedAt)))
      .limit(1);
    return row ? this.hydrate(row, tx) : undefined;
  }

  /** Newest first; the cursor is opaque to callers. */
  async listOwned(ownerId: string, options: { cursor?: string; limit: number }): Promise<Page<InstanceRecord>> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await this.selectRecords(this.db)
      .where(
        and(
          eq(instances.ownerId, ownerId),
          isNull(instances.deletedAt),
          after ? or(lt(instances.createdAt, after.createdAt), and(eq(instances.createdAt, after.createdAt), lt(instances.id, after.id))) : undefined,
        ),
      )
      .orderBy(desc(instances.createdAt), desc(instances.id))
      .limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const items = await Promise.all(page.map((row) => this.hydrate(row, this.db)));
    const last = page.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? encodeCursor(last.instance.createdAt, last.instance.id) : null };
  }

  /** Applies changes to an owned instance and bumps its generation; false when not found. */
  async update(ownerId: string, id: string, changes: InstanceChanges, tx: Db): Promise<boolean> {
    return this.applyChanges(and(eq(instances.id, id), eq(instances.ownerId, ownerId), isNull(instances.deletedAt)), id, changes, tx);
  }

  /** The same for an instance of any owner (operators, behind the admin API's permission guard). */
  async updateAny(id: string, changes: InstanceChanges & { readonly pausedBySuspension?: boolean }, tx: Db): Promise<boolean> {
    return this.applyChanges(and(eq(instances.id, id), isNull(instances.deletedAt)), id, changes, tx);
  }

  private async applyChanges(
    where: SQL | undefined,
    id: string,
    changes: InstanceChanges & { readonly pausedBySuspension?: boolean },
    tx: Db,
  ): Promise<boolean> {
    const { env, requestRestart, requestSessionReset, ...columns } = changes;
    const updated = await tx
      .update(instances)
      .set({
        ...columns,
        ...(requestRestart ? { restartRequests: sql`${instances.restartRequests} + 1` } : {}),
        ...(requestSessionReset ? { sessionResets: sql`${instances.sessionResets} + 1` } : {}),
        generation: sql`${instances.generation} + 1`,
        updatedAt: new Date(),
      })
      .where(where)
      .returning({ id: instances.id });
    if (updated.length === 0) return false;
    if (env) {
      await tx.delete(instanceEnv).where(eq(instanceEnv.instanceId, id));
      await this.writeEnv(id, env, tx);
    }
    return true;
  }

  async addDeployment(instanceId: string, trigger: string, tx: Db): Promise<string> {
    const id = newId('dep');
    const [last] = await tx
      .select({ number: sql<number>`coalesce(max(${deployments.number}), 0)`.mapWith(Number) })
      .from(deployments)
      .where(eq(deployments.instanceId, instanceId));
    await tx.insert(deployments).values({ id, instanceId, number: (last?.number ?? 0) + 1, trigger });
    await tx.update(instances).set({ currentDeploymentId: id }).where(eq(instances.id, instanceId));
    return id;
  }

  async listDeployments(ownerId: string, instanceId: string): Promise<DeploymentRecord[] | undefined> {
    if (!(await this.findOwned(ownerId, instanceId))) return undefined;
    return this.db.select(deploymentColumns).from(deployments).where(eq(deployments.instanceId, instanceId)).orderBy(desc(deployments.number));
  }

  /**
   * Live instances built from one of these repository URLs (compared after `normalize`) on this branch, or
   * on no branch when it is the default one. For push webhooks: not owner-scoped.
   */
  async findByRepository(urls: readonly string[], normalize: (url: string) => string, branch: string, isDefaultBranch: boolean) {
    const wanted = new Set(urls.map(normalize));
    const rows = await this.db
      .select({ id: instances.id, repoUrl: instances.repoUrl, branch: instances.branch, ownerId: instances.ownerId })
      .from(instances)
      .where(and(isNull(instances.deletedAt), ne(instances.desiredState, 'deleted')));
    return rows.filter((row) => wanted.has(normalize(row.repoUrl)) && (row.branch === branch || (row.branch === null && isDefaultBranch)));
  }

  /** Whether the instance's running deployment keeps WhatsApp sessions on its volume. */
  async sessionPersistence(instanceId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ persisted: deployments.sessionPersistence })
      .from(deployments)
      .where(and(eq(deployments.instanceId, instanceId), eq(deployments.status, 'live')));
    return row?.persisted ?? false;
  }

  /** The deployment if its instance belongs to the owner. */
  async findDeploymentOwned(ownerId: string, deploymentId: string): Promise<{ id: string; instanceId: string } | undefined> {
    const [row] = await this.db
      .select({ id: deployments.id, instanceId: deployments.instanceId })
      .from(deployments)
      .innerJoin(instances, eq(instances.id, deployments.instanceId))
      .where(and(eq(deployments.id, deploymentId), eq(instances.ownerId, ownerId), isNull(instances.deletedAt)));
    return row;
  }

  /** Decrypted env of an instance, for the runtime only (never for API responses). */
  async readEnv(instanceId: string): Promise<Record<string, string>> {
    const rows = await this.db.select().from(instanceEnv).where(eq(instanceEnv.instanceId, instanceId)).orderBy(asc(instanceEnv.key));
    return Object.fromEntries(rows.map((row) => [row.key, this.secrets.open(row.valueEncrypted, envContext(instanceId, row.key))]));
  }

  private async writeEnv(instanceId: string, env: Readonly<Record<string, string>>, tx: Db): Promise<void> {
    const rows = Object.entries(env).map(([key, value]) => ({
      instanceId,
      key,
      valueEncrypted: this.secrets.seal(value, envContext(instanceId, key)),
    }));
    if (rows.length > 0) await tx.insert(instanceEnv).values(rows);
  }

  private selectRecords(tx: Db) {
    return tx
      .select({ instance: instances, deployment: deploymentColumns })
      .from(instances)
      .leftJoin(deployments, eq(deployments.id, instances.currentDeploymentId))
      .$dynamic();
  }

  private async hydrate(row: { instance: typeof instances.$inferSelect; deployment: DeploymentRecord | null }, tx: Db): Promise<InstanceRecord> {
    const keys = await tx.select({ key: instanceEnv.key }).from(instanceEnv).where(eq(instanceEnv.instanceId, row.instance.id)).orderBy(asc(instanceEnv.key));
    const i = row.instance;
    return {
      id: i.id,
      ownerId: i.ownerId,
      name: i.name,
      repoUrl: i.repoUrl,
      branch: i.branch,
      rootDir: i.rootDir,
      planId: i.planId,
      status: i.status as InstanceStatus,
      statusReason: i.statusReason,
      desiredState: i.desiredState as DesiredState,
      generation: i.generation,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
      currentDeployment: row.deployment,
      envKeys: keys.map((k) => k.key),
    };
  }
}

const deploymentColumns = {
  id: deployments.id,
  number: deployments.number,
  status: deployments.status,
  trigger: deployments.trigger,
  commitSha: deployments.commitSha,
  error: deployments.error,
  createdAt: deployments.createdAt,
  startedAt: deployments.startedAt,
  finishedAt: deployments.finishedAt,
};

function envContext(instanceId: string, key: string): string {
  return `instance-env:${instanceId}:${key}`;
}

export { isValidCursor } from '../cursor.js';
