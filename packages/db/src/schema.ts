import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

// --- Accounts (shape required by Better Auth; extra columns have defaults) ---

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    email: text('email').notNull().unique(),
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    isAnonymous: boolean('is_anonymous').notNull().default(false),
    adminFlags: text('admin_flags').array().notNull().default(sql`'{}'::text[]`),
    suspendedAt: timestamp('suspended_at', { withTimezone: true, mode: 'date' }),
    /** Why an operator suspended the account (shown to operators; the user sees "conta suspensa"). */
    suspendedReason: text('suspended_reason'),
    /** An operator's cap on the user's live instances (null: the platform's default). */
    maxInstances: integer('max_instances'),
    /** The user's last authenticated request (kept to the hour); idle guests expire from it. */
    lastActiveAt: timestamp('last_active_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('users_guest_last_active_idx').on(table.lastActiveAt).where(sql`${table.isAnonymous}`)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    token: text('token').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('sessions_user_id_idx').on(table.userId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true, mode: 'date' }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true, mode: 'date' }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('accounts_user_id_idx').on(table.userId), uniqueIndex('accounts_provider_account_idx').on(table.providerId, table.accountId)],
);

export const verifications = pgTable(
  'verifications',
  {
    id: text('id').primaryKey(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('verifications_identifier_idx').on(table.identifier)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the token, hex. The token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** First characters of the token, to tell tokens apart in a list. */
    prefix: text('prefix').notNull(),
    /** read | deploy | full (packages/domain token-scopes). */
    scope: text('scope', { enum: ['read', 'deploy', 'full'] })
      .notNull()
      .default('full'),
    /** Null: never expires. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [index('api_tokens_user_id_idx').on(table.userId)],
);

// --- Catalogue ---

export const plans = pgTable('plans', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  priceCents: integer('price_cents').notNull(),
  currency: text('currency').notNull().default('BRL'),
  cpuMillis: integer('cpu_millis').notNull(),
  memoryMb: integer('memory_mb').notNull(),
  diskMb: integer('disk_mb').notNull(),
  tier: text('tier', { enum: ['dev', 'production'] }).notNull(),
  active: boolean('active').notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// --- Clusters (where bots run) ---

/**
 * A place where bots run: a Docker engine, a Kubernetes cluster, or (embedded installs) this machine's processes.
 * Credentials are sealed with SecretBox (purpose `cluster-credentials`, bound to the row's id).
 */
export const clusters = pgTable('clusters', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  kind: text('kind', { enum: ['docker', 'kubernetes', 'process'] }).notNull(),
  region: text('region').notNull().default(''),
  /** Sealed: a kubeconfig's text (kubernetes), an engine endpoint such as unix:///var/run/docker.sock (docker). */
  credentialsEncrypted: text('credentials_encrypted').notNull(),
  /** Where images for this cluster are pushed (host[:port][/path]). */
  registry: text('registry'),
  storageClass: text('storage_class'),
  status: text('status', { enum: ['active', 'cordoned', 'draining'] })
    .notNull()
    .default('active'),
  /** What the cluster costs a month, BRL cents. */
  monthlyCostCents: integer('monthly_cost_cents').notNull().default(0),
  /** As last read from the cluster (null: never read). */
  capacityMemoryMb: integer('capacity_memory_mb'),
  capacityCpuMillis: integer('capacity_cpu_millis'),
  allocatableMemoryMb: integer('allocatable_memory_mb'),
  allocatableCpuMillis: integer('allocatable_cpu_millis'),
  lastCheckedAt: timestamp('last_checked_at', { withTimezone: true, mode: 'date' }),
  /** Why the last read failed (a probe reason code), null when it worked. */
  lastError: text('last_error'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// --- Instances ---

export const instances = pgTable(
  'instances',
  {
    id: text('id').primaryKey(),
    ownerId: text('owner_id').references(() => users.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    repoUrl: text('repo_url').notNull(),
    branch: text('branch'),
    rootDir: text('root_dir').notNull().default(''),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    status: text('status').notNull().default('queued'),
    statusReason: text('status_reason'),
    desiredState: text('desired_state').notNull().default('running'),
    /** Bumped on every change of desired state; workers fence on it. */
    generation: integer('generation').notNull().default(1),
    observedGeneration: integer('observed_generation').notNull().default(0),
    currentDeploymentId: text('current_deployment_id'),
    /** GitHub App installation through which a private repository is cloned (checked at creation). */
    githubInstallationId: text('github_installation_id'),
    /** Bumped by "restart": the container is recreated when it differs from the running one's. */
    restartRequests: integer('restart_requests').notNull().default(0),
    /** Bumped by "reset WhatsApp session"; the worker clears /data/sessions when it is ahead of the applied count. */
    sessionResets: integer('session_resets').notNull().default(0),
    sessionResetsApplied: integer('session_resets_applied').notNull().default(0),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Paused because its owner's account was suspended (unsuspending resumes exactly these). */
    pausedBySuspension: boolean('paused_by_suspension').notNull().default(false),
    /** Where the instance runs (null: not placed yet). */
    clusterId: text('cluster_id').references(() => clusters.id, { onDelete: 'restrict' }),
    /** Where an operator (or a drain) wants it moved; the worker moves it and clears this. */
    targetClusterId: text('target_cluster_id').references(() => clusters.id, { onDelete: 'restrict' }),
    /**
     * The plan and limits its workload was last (re)started with, written by the worker: it keeps them while it is
     * on that plan (an operator's edit of the plan reaches it at its next restart). Null: none recorded yet.
     */
    appliedPlanId: text('applied_plan_id'),
    appliedCpuMillis: integer('applied_cpu_millis'),
    appliedMemoryMb: integer('applied_memory_mb'),
    appliedDiskMb: integer('applied_disk_mb'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    index('instances_owner_idx').on(table.ownerId, table.createdAt, table.id),
    index('instances_cluster_idx').on(table.clusterId),
    index('instances_target_cluster_idx').on(table.targetClusterId),
    uniqueIndex('instances_owner_name_live_idx').on(table.ownerId, table.name).where(sql`${table.deletedAt} is null`),
  ],
);

export const deployments = pgTable(
  'deployments',
  {
    id: text('id').primaryKey(),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    status: text('status').notNull().default('queued'),
    trigger: text('trigger').notNull(),
    commitSha: text('commit_sha'),
    image: text('image'),
    /** Built with Zapdeploy's entrypoint that keeps WhatsApp session folders on the volume. */
    sessionPersistence: boolean('session_persistence').notNull().default(false),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [uniqueIndex('deployments_instance_number_idx').on(table.instanceId, table.number)],
);

/** Environment variables of an instance; values are AES-256-GCM ciphertexts. */
export const instanceEnv = pgTable(
  'instance_env',
  {
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    valueEncrypted: text('value_encrypted').notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.instanceId, table.key] })],
);

/**
 * WhatsApp session backups (downloads) and restores (uploads) of an instance; workers carry them out on the
 * instance's volume. The archive itself is a sealed file in the session archive store (named by the id), not a row.
 */
export const sessionTransfers = pgTable(
  'session_transfers',
  {
    id: text('id').primaryKey(),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id, { onDelete: 'cascade' }),
    /** backup | restore */
    direction: text('direction').notNull(),
    /** pending | done | failed | expired */
    status: text('status').notNull().default('pending'),
    /** Size of the stored archive (.tar.gz), when there is one. */
    bytes: integer('bytes'),
    error: text('error'),
    createdAt: createdAt(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    /** After this a pending restore is not applied and a backup cannot be downloaded; the sweep deletes the archive. */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [index('session_transfers_instance_idx').on(table.instanceId, table.status)],
);

// --- Billing (owned by the payments service) ---

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** An instance's paid plan and period: one per instance, independent of the owner's other instances. */
export const instanceBilling = pgTable(
  'instance_billing',
  {
    instanceId: text('instance_id')
      .primaryKey()
      .references(() => instances.id, { onDelete: 'cascade' }),
    ownerId: text('owner_id'),
    /** The plan paid for (the instance runs on it while the period lasts). */
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    /** awaiting_payment | active | grace | suspended | ended */
    state: text('state').notNull().default('awaiting_payment'),
    /** How the current period was paid: pix | card. */
    method: text('method'),
    paidUntil: ts('paid_until'),
    graceUntil: ts('grace_until'),
    suspendedAt: ts('suspended_at'),
    /** When a suspended instance's data is deleted. */
    purgeAt: ts('purge_at'),
    /** The card subscription (Mercado Pago preapproval id), while one is live. */
    preapprovalId: text('preapproval_id'),
    /** A downgrade, applied when the paid period ends. */
    scheduledPlanId: text('scheduled_plan_id').references(() => plans.id),
    /** The paid_until the last renewal reminder was sent for (one reminder per period). */
    remindedFor: ts('reminded_for'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('instance_billing_state_idx').on(table.state, table.paidUntil), uniqueIndex('instance_billing_preapproval_idx').on(table.preapprovalId)],
);

/** One attempt to pay for an instance: a Pix charge, a card subscription or a one-off card payment. */
export const checkouts = pgTable(
  'checkouts',
  {
    id: text('id').primaryKey(),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id, { onDelete: 'cascade' }),
    ownerId: text('owner_id'),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    /** pix | card */
    method: text('method').notNull(),
    /** period (a new paid period) | upgrade (the difference for the rest of the period) | subscription (card, recurring) */
    kind: text('kind').notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** pending | approved | rejected | expired | cancelled | refunded */
    status: text('status').notNull().default('pending'),
    mpPaymentId: text('mp_payment_id'),
    mpPreapprovalId: text('mp_preapproval_id'),
    mpPreferenceId: text('mp_preference_id'),
    pixQrCode: text('pix_qr_code'),
    pixQrBase64: text('pix_qr_base64'),
    redirectUrl: text('redirect_url'),
    /** Until when it can be paid (Pix and card checkouts alike); a payment approved later is refunded. */
    expiresAt: ts('expires_at'),
    /** The quote's basis: the plan paid for when quoted inside a paid period (else null)… */
    basisPlanId: text('basis_plan_id'),
    /** …and the end of the paid period the quote saw. A payment applies only while the billing still stands there. */
    basisPaidUntil: ts('basis_paid_until'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index('checkouts_instance_idx').on(table.instanceId, table.createdAt), uniqueIndex('checkouts_mp_payment_idx').on(table.mpPaymentId)],
);

/** Payments Mercado Pago reported for an instance (history and receipts); one row per Mercado Pago payment. */
export const payments = pgTable(
  'payments',
  {
    id: text('id').primaryKey(),
    instanceId: text('instance_id')
      .notNull()
      .references(() => instances.id, { onDelete: 'cascade' }),
    checkoutId: text('checkout_id').references(() => checkouts.id),
    mpPaymentId: text('mp_payment_id').notNull().unique(),
    planId: text('plan_id')
      .notNull()
      .references(() => plans.id),
    method: text('method').notNull(),
    kind: text('kind').notNull(),
    amountCents: integer('amount_cents').notNull(),
    /** Mercado Pago's status: pending, approved, rejected, cancelled, refunded, charged_back, … */
    status: text('status').notNull(),
    statusDetail: text('status_detail'),
    /** The period this payment paid for, set when it was applied. */
    periodStart: ts('period_start'),
    periodEnd: ts('period_end'),
    approvedAt: ts('approved_at'),
    reversedAt: ts('reversed_at'),
    /** An approved payment we did not apply (late, or its quote's basis changed): due | requested (at Mercado Pago). */
    refundStatus: text('refund_status'),
    /** checkout_closed | checkout_expired | period_ended | billing_changed */
    refundReason: text('refund_reason'),
    /** When the refund is next asked of Mercado Pago (a claim while one is being asked). */
    refundNextAt: ts('refund_next_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('payments_instance_idx').on(table.instanceId, table.createdAt),
    index('payments_refund_due_idx').on(table.refundNextAt).where(sql`${table.refundStatus} = 'due'`),
  ],
);

/** Mercado Pago notifications, stored before answering and processed after (an inbox). */
export const paymentNotifications = pgTable(
  'payment_notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    resourceId: text('resource_id').notNull(),
    requestId: text('request_id'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    processedAt: ts('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
  },
  (table) => [
    index('payment_notifications_pending_idx').on(table.nextAttemptAt).where(sql`${table.processedAt} is null`),
    index('payment_notifications_resource_idx').on(table.topic, table.resourceId),
  ],
);

/** Time-limited, fenced claims of workers on a resource (`reconcile:<id>`, `logs:<id>`). */
export const workerLeases = pgTable('worker_leases', {
  resource: text('resource').primaryKey(),
  holder: text('holder').notNull(),
  fence: integer('fence').notNull().default(1),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
});

/** GitHub webhook deliveries already handled (X-GitHub-Delivery), so that redeliveries change nothing. */
export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

// --- Administration ---

/** A named set of permissions (`clusters.read`, …; `*` is every permission). Seeded: owner, clusters-admin, clusters-viewer. */
export const roles = pgTable('roles', {
  id: text('id').primaryKey(),
  description: text('description').notNull().default(''),
  permissions: text('permissions').array().notNull().default(sql`'{}'::text[]`),
  createdAt: createdAt(),
});

export const userRoles = pgTable(
  'user_roles',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roleId: text('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    /** Who granted it (null: the platform, e.g. ZAPDEPLOY_SUPERADMINS). */
    grantedBy: text('granted_by'),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.roleId] })],
);

/** Every administrative change and every refused attempt, written in the same transaction as the change. */
export const adminAudit = pgTable(
  'admin_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Null: the platform itself. */
    actorId: text('actor_id'),
    action: text('action').notNull(),
    /** ok | denied */
    outcome: text('outcome').notNull().default('ok'),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (table) => [index('admin_audit_actor_idx').on(table.actorId, table.createdAt), index('admin_audit_target_idx').on(table.targetType, table.targetId)],
);

/**
 * What each cluster cost over time, for finance: a period opens when a cluster is added or its monthly cost changes,
 * and closes at the next change or when the cluster is removed (kept after removal: past months stay right).
 */
export const clusterCostPeriods = pgTable(
  'cluster_cost_periods',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** No foreign key: the period outlives a removed cluster. */
    clusterId: text('cluster_id').notNull(),
    clusterName: text('cluster_name').notNull(),
    monthlyCostCents: integer('monthly_cost_cents').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [index('cluster_cost_periods_cluster_idx').on(table.clusterId, table.startedAt)],
);

/** Infrastructure costs an operator enters for a month (domains, e-mail, backups…), BRL cents. */
export const costLines = pgTable(
  'cost_lines',
  {
    id: text('id').primaryKey(),
    /** YYYY-MM */
    month: text('month').notNull(),
    label: text('label').notNull(),
    amountCents: integer('amount_cents').notNull(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
  },
  (table) => [index('cost_lines_month_idx').on(table.month)],
);

// --- Cross-cutting ---

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.key] })],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    data: jsonb('data').notNull().default({}),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (table) => [index('audit_log_target_idx').on(table.targetType, table.targetId)],
);

/** Messages written in the same transaction as the state they announce; a relay publishes them. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (table) => [index('outbox_unpublished_idx').on(table.id).where(sql`${table.publishedAt} is null`)],
);

export const schema = {
  users,
  sessions,
  accounts,
  verifications,
  apiTokens,
  plans,
  clusters,
  instances,
  deployments,
  instanceEnv,
  workerLeases,
  webhookDeliveries,
  sessionTransfers,
  instanceBilling,
  checkouts,
  payments,
  paymentNotifications,
  idempotencyKeys,
  auditLog,
  roles,
  userRoles,
  adminAudit,
  outbox,
};
