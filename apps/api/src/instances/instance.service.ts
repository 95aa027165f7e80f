import { createHash } from 'node:crypto';
import { type CreateInstance, type InstanceDto, InstanceReconcileV1, type UpdateInstance } from '@zapdeploy/contracts';
import {
  type AuditRepository,
  type Db,
  type IdempotencyRepository,
  type InstanceChanges,
  type InstanceRecord,
  type InstanceRepository,
  isValidCursor,
  type OutboxMessage,
  type OutboxRepository,
  type PlanRepository,
  type SessionTransfer,
  type SessionTransferRepository,
} from '@zapdeploy/db';
import {
  assertCanChangePlan,
  assertCanCreateInstance,
  DEV_PLAN_SLUG,
  DomainError,
  type InstanceAction,
  isPaymentHold,
  notFound,
  planAction,
} from '@zapdeploy/domain';
import { normalizeRepoUrl } from '@zapdeploy/github';
import type { SessionArchiveStore } from '@zapdeploy/infra';
import type { Principal } from '../http/request-context.js';
import { withIntent } from '../infrastructure/intent.js';
import { toDeploymentDto, toInstanceDto } from './instance.mapper.js';

export type InstanceServiceDeps = {
  readonly db: Db;
  readonly instances: InstanceRepository;
  readonly plans: PlanRepository;
  readonly outbox: OutboxRepository;
  readonly audit: AuditRepository;
  readonly idempotency: IdempotencyRepository;
  readonly sessions: SessionTransferRepository;
  /** Where session archives are stored (a replaced transfer's archive is removed). */
  readonly sessionArchives: SessionArchiveStore;
  /** How long a session transfer lives. */
  readonly sessionTransferTtlMs: number;
  /** Publishes a message at once after commit (fast path); the outbox relay still guarantees delivery. */
  readonly publishNow: (message: OutboxMessage) => Promise<void>;
  /** Where a failed fast-path publish is said (the worker's outbox relay publishes it again). */
  readonly log?: (line: string) => void;
  /** Production plans need payment when the install is public. */
  readonly billingEnforced: boolean;
  /** Asks the payments service to move a paid instance to a cheaper plan: now, or when its paid period ends. */
  readonly schedulePlanChange: (instanceId: string, planId: string) => Promise<{ effective: 'now' | 'period_end'; at: string | null }>;
  /** Which GitHub App installation (if any) clones a repository for a user. */
  readonly githubInstallationFor: (userId: string, repoUrl: string) => Promise<string | null>;
};

export type Created = { readonly status: number; readonly body: unknown };

/**
 * Use cases on instances. Each write records the desired state and an outbox message in one
 * transaction; workers reconcile from there. Inside a transaction every query goes through `tx`
 * (embedded PGlite has a single connection: a query outside `tx` would wait forever).
 */
export class InstanceService {
  constructor(private readonly deps: InstanceServiceDeps) {}

  async create(principal: Principal, input: CreateInstance, idempotencyKey: string | undefined): Promise<Created> {
    const { instances, plans, audit, idempotency } = this.deps;
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    // Outside the transaction: it may ask GitHub.
    const githubInstallationId = await this.deps.githubInstallationFor(principal.userId, input.repoUrl);
    return this.withIntent(async (tx, announce) => {
      const { maxInstances } = await instances.lockOwner(principal.userId, tx);
      if (idempotencyKey) {
        const previous = await idempotency.find(principal.userId, idempotencyKey, tx);
        if (previous) {
          if (previous.requestHash !== requestHash) throw new DomainError('invalid', 'idempotency_key_reused');
          return { status: previous.status, body: previous.body };
        }
      }
      const plan = input.planId ? await plans.findById(input.planId, tx) : await plans.findBySlug(DEV_PLAN_SLUG, tx);
      if (!plan) throw notFound('plan');
      const counts = await instances.countLive(principal.userId, tx);
      const { awaitingPayment } = assertCanCreateInstance({
        isGuest: principal.isGuest,
        plan,
        liveDevInstances: counts.dev,
        liveInstances: counts.all,
        billingEnforced: this.deps.billingEnforced,
        maxInstances,
      });
      if (await instances.nameTaken(principal.userId, input.name, tx)) {
        throw new DomainError('conflict', 'instance_name_taken', { name: input.name });
      }
      const { instanceId } = await instances.create(
        {
          ownerId: principal.userId,
          name: input.name,
          repoUrl: input.repoUrl,
          branch: input.branch ?? null,
          rootDir: input.rootDir ?? '',
          planId: plan.id,
          env: input.env ?? {},
          githubInstallationId,
          awaitingPayment,
        },
        tx,
      );
      await announce({ name: InstanceReconcileV1.name, version: InstanceReconcileV1.version, payload: { instanceId, generation: 1, reason: 'create' } });
      await audit.record(
        {
          actorId: principal.userId,
          action: 'instance.create',
          targetType: 'instance',
          targetId: instanceId,
          data: { planId: plan.id, repoUrl: input.repoUrl },
        },
        tx,
      );
      const record = await instances.findOwned(principal.userId, instanceId, tx);
      if (!record) throw new Error('instance vanished inside its own transaction');
      const body = toInstanceDto(record);
      if (idempotencyKey) await idempotency.save(principal.userId, idempotencyKey, { requestHash, status: 201, body }, tx);
      return { status: 201, body };
    });
  }

  private withIntent<T>(work: (tx: Db, announce: (message: OutboxMessage) => Promise<void>) => Promise<T>): Promise<T> {
    return withIntent(this.deps, work);
  }

  async list(principal: Principal, query: { cursor?: string; limit: number }) {
    if (query.cursor && !isValidCursor(query.cursor)) throw new DomainError('invalid', 'invalid_cursor');
    const page = await this.deps.instances.listOwned(principal.userId, query);
    return { items: page.items.map(toInstanceDto), nextCursor: page.nextCursor };
  }

  async get(principal: Principal, id: string): Promise<InstanceDto> {
    const record = await this.deps.instances.findOwned(principal.userId, id);
    if (!record) throw notFound('instance');
    return toInstanceDto(record);
  }

  async env(principal: Principal, id: string): Promise<{ env: Record<string, string> }> {
    if (!(await this.deps.instances.findOwned(principal.userId, id))) throw notFound('instance');
    return { env: await this.deps.instances.readEnv(id) };
  }

  async deployments(principal: Principal, id: string) {
    const items = await this.deps.instances.listDeployments(principal.userId, id);
    if (!items) throw notFound('instance');
    return { items: items.map(toDeploymentDto) };
  }

  async act(principal: Principal, id: string, action: InstanceAction): Promise<InstanceDto> {
    const { instances, audit } = this.deps;
    return this.withIntent(async (tx, announce) => {
      await instances.lockOwner(principal.userId, tx);
      const current = await instances.findOwned(principal.userId, id, tx);
      if (!current) throw notFound('instance');
      const outcome = planAction(action, current);
      await instances.update(principal.userId, id, { desiredState: outcome.desiredState, status: outcome.status, requestRestart: action === 'restart' }, tx);
      if (outcome.newDeployment) await instances.addDeployment(id, action, tx);
      await announce({
        name: InstanceReconcileV1.name,
        version: InstanceReconcileV1.version,
        payload: { instanceId: id, generation: current.generation + 1, reason: action },
      });
      await audit.record({ actorId: principal.userId, action: `instance.${action}`, targetType: 'instance', targetId: id }, tx);
      const updated = await instances.findOwned(principal.userId, id, tx);
      if (!updated) throw notFound('instance');
      return toInstanceDto(updated);
    });
  }

  /** A push to a branch: every instance built from it gets a new deployment of that commit. */
  /**
   * A push to a repository redeploys the instances built from it, in one transaction with `claimDelivery` (the
   * webhook delivery recorded as seen): if the redeploy fails, nothing is recorded and the sender's retry redeploys.
   * Null when `claimDelivery` says the delivery was already handled.
   */
  async redeployFromPush(
    repoUrls: readonly string[],
    branch: string,
    isDefaultBranch: boolean,
    commitSha: string,
    claimDelivery: (tx: Db) => Promise<boolean> = async () => true,
  ): Promise<string[] | null> {
    const { instances, audit } = this.deps;
    const targets = await instances.findByRepository(repoUrls, normalizeRepoUrl, branch, isDefaultBranch);
    return this.withIntent(async (tx, announce) => {
      if (!(await claimDelivery(tx))) return null;
      for (const target of targets) {
        const current = target.ownerId ? await instances.findOwned(target.ownerId, target.id, tx) : undefined;
        if (!current || !target.ownerId || current.desiredState === 'deleted') continue;
        await instances.update(target.ownerId, target.id, { status: current.desiredState === 'running' ? 'queued' : current.status }, tx);
        await instances.addDeployment(target.id, 'push', tx);
        await announce({
          name: InstanceReconcileV1.name,
          version: InstanceReconcileV1.version,
          payload: { instanceId: target.id, generation: current.generation + 1, reason: 'push' },
        });
        await audit.record({ actorId: null, action: 'instance.push_redeploy', targetType: 'instance', targetId: target.id, data: { branch, commitSha } }, tx);
      }
      return targets.map((t) => t.id);
    });
  }

  /**
   * A change the platform makes to an instance (billing: a payment activates a plan, an unpaid instance is paused
   * or deleted). `decide` sees the live instance and returns the changes, or null for none; returns whether it changed.
   */
  async applyPlatformChange(instanceId: string, action: string, decide: (current: InstanceRecord) => InstanceChanges | null): Promise<boolean> {
    const { instances, audit } = this.deps;
    const ownerId = await instances.ownerOf(instanceId);
    if (!ownerId) return false;
    return this.withIntent(async (tx, announce) => {
      await instances.lockOwner(ownerId, tx);
      const current = await instances.findOwned(ownerId, instanceId, tx);
      if (!current || current.desiredState === 'deleted') return false;
      const changes = decide(current);
      if (!changes) return false;
      await instances.update(ownerId, instanceId, changes, tx);
      await announce({
        name: InstanceReconcileV1.name,
        version: InstanceReconcileV1.version,
        payload: { instanceId, generation: current.generation + 1, reason: action },
      });
      await audit.record({ actorId: null, action: `instance.${action}`, targetType: 'instance', targetId: instanceId, data: { ...changes } }, tx);
      return true;
    });
  }

  /** For a paid instance moving to a cheaper plan (billing enforced): when the payments service says it applies. */
  private async downgradeOfPaidInstance(principal: Principal, id: string, planId: string | undefined): Promise<'now' | 'period_end' | null> {
    if (!planId || !this.deps.billingEnforced) return null;
    const current = await this.deps.instances.findOwned(principal.userId, id);
    if (!current || current.planId === planId) return null;
    const [from, to] = await Promise.all([this.deps.plans.findById(current.planId), this.deps.plans.findById(planId)]);
    if (!from || !to || from.tier !== 'production' || to.priceCents >= from.priceCents) return null;
    return (await this.deps.schedulePlanChange(id, planId)).effective;
  }

  /**
   * Refuses a session restore before its upload is read: the instance must be the caller's, live, and not held
   * for payment (an unpaid instance gets nothing written to its volume).
   */
  async assertCanRestoreSession(principal: Principal, id: string): Promise<void> {
    const current = await this.deps.instances.findOwned(principal.userId, id);
    assertSessionTransferAllowed(current, 'restore');
  }

  /**
   * A WhatsApp session backup or restore (whose archive is already stored under `archive.id`): recorded with a
   * nudge, replacing the instance's previous one of the same direction; a worker carries it out on the volume.
   */
  async requestSessionTransfer(
    principal: Principal,
    id: string,
    direction: 'backup' | 'restore',
    archive?: { readonly id: string; readonly bytes: number },
  ): Promise<SessionTransfer> {
    const { instances, audit, sessionArchives } = this.deps;
    const { transfer, replaced } = await this.withIntent(async (tx, announce) => {
      await instances.lockOwner(principal.userId, tx);
      const current = await instances.findOwned(principal.userId, id, tx);
      assertSessionTransferAllowed(current, direction);
      const created = await this.deps.sessions.create(
        {
          ...(archive ? { id: archive.id, bytes: archive.bytes } : {}),
          instanceId: id,
          direction,
          expiresAt: new Date(Date.now() + this.deps.sessionTransferTtlMs),
        },
        tx,
      );
      await instances.update(principal.userId, id, {}, tx);
      await announce({
        name: InstanceReconcileV1.name,
        version: InstanceReconcileV1.version,
        payload: { instanceId: id, generation: (current?.generation ?? 0) + 1, reason: `session_${direction}` },
      });
      await audit.record({ actorId: principal.userId, action: `instance.session_${direction}`, targetType: 'instance', targetId: id }, tx);
      return created;
    });
    for (const old of replaced) await sessionArchives.remove(old);
    return transfer;
  }

  /** Logs the bot out of WhatsApp: workers delete its session folders and start it again to pair anew. */
  async resetSession(principal: Principal, id: string): Promise<InstanceDto> {
    const { instances, audit } = this.deps;
    return this.withIntent(async (tx, announce) => {
      await instances.lockOwner(principal.userId, tx);
      const current = await instances.findOwned(principal.userId, id, tx);
      if (!current) throw notFound('instance');
      if (current.desiredState === 'deleted') throw new DomainError('conflict', 'instance_deleted');
      await instances.update(principal.userId, id, { requestSessionReset: true }, tx);
      await announce({
        name: InstanceReconcileV1.name,
        version: InstanceReconcileV1.version,
        payload: { instanceId: id, generation: current.generation + 1, reason: 'session_reset' },
      });
      await audit.record({ actorId: principal.userId, action: 'instance.session_reset', targetType: 'instance', targetId: id }, tx);
      const updated = await instances.findOwned(principal.userId, id, tx);
      if (!updated) throw notFound('instance');
      return toInstanceDto(updated);
    });
  }

  async update(principal: Principal, id: string, input: UpdateInstance): Promise<InstanceDto> {
    const { instances, plans, audit } = this.deps;
    const scheduled = await this.downgradeOfPaidInstance(principal, id, input.planId);
    return this.withIntent(async (tx, announce) => {
      await instances.lockOwner(principal.userId, tx);
      const current = await instances.findOwned(principal.userId, id, tx);
      if (!current) throw notFound('instance');
      if (current.desiredState === 'deleted') throw new DomainError('conflict', 'instance_deleted');
      if (input.name && input.name !== current.name && (await instances.nameTaken(principal.userId, input.name, tx, id))) {
        throw new DomainError('conflict', 'instance_name_taken', { name: input.name });
      }
      if (input.planId && input.planId !== current.planId) {
        const from = await plans.findById(current.planId, tx);
        const to = await plans.findById(input.planId, tx);
        if (!from || !to) throw notFound('plan');
        const counts = await instances.countLive(principal.userId, tx);
        assertCanChangePlan({ isGuest: principal.isGuest, from, to, liveDevInstances: counts.dev, billingEnforced: this.deps.billingEnforced });
      }
      // A downgrade inside a paid period waits for its end (the payments service applies it then).
      const planId = scheduled === 'period_end' ? undefined : input.planId;
      const freed = planId && isPaymentHold(current.statusReason) && (await plans.findById(planId, tx))?.tier === 'dev';
      await instances.update(principal.userId, id, { name: input.name, planId, env: input.env, ...(freed ? { statusReason: null } : {}) }, tx);
      const reason = input.planId ? 'plan' : input.env ? 'env' : 'rename';
      await announce({
        name: InstanceReconcileV1.name,
        version: InstanceReconcileV1.version,
        payload: { instanceId: id, generation: current.generation + 1, reason },
      });
      await audit.record(
        {
          actorId: principal.userId,
          action: 'instance.update',
          targetType: 'instance',
          targetId: id,
          data: { name: input.name, planId: input.planId, envKeys: input.env ? Object.keys(input.env) : undefined },
        },
        tx,
      );
      const updated = await instances.findOwned(principal.userId, id, tx);
      if (!updated) throw notFound('instance');
      return toInstanceDto(updated);
    });
  }
}

function assertSessionTransferAllowed(current: InstanceRecord | undefined, direction: 'backup' | 'restore'): asserts current is InstanceRecord {
  if (!current) throw notFound('instance');
  if (current.desiredState === 'deleted') throw new DomainError('conflict', 'instance_deleted');
  if (direction === 'restore' && isPaymentHold(current.statusReason)) throw new DomainError('payment_required', 'instance_unpaid');
}
