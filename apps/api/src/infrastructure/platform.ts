import type { Provider as FlagProvider } from '@openfeature/server-sdk';
import { type InstanceReconcile, InstanceReconcileV1 } from '@zapdeploy/contracts';
import {
  AdminAuditRepository,
  AdminPeopleRepository,
  ApiTokenRepository,
  AuditRepository,
  BillingRepository,
  type ClusterRepository,
  type DatabaseHandle,
  FinanceRepository,
  IdempotencyRepository,
  InstanceRepository,
  OutboxRepository,
  PlanRepository,
  RoleRepository,
  SecretBox,
  SessionTransferRepository,
  UserRepository,
  WebhookDeliveryRepository,
} from '@zapdeploy/db';
import {
  ensureLocalCluster,
  type Infrastructure,
  openClusterRepository,
  openInfrastructure,
  Periodic,
  paymentsServiceToken,
  type ReadinessCheck,
  type SessionArchiveStore,
  sweepSessionArchives,
} from '@zapdeploy/infra';
import type { LogStore } from '@zapdeploy/logstore';
import type { MessageBus } from '@zapdeploy/messaging';
import { RuntimeClusterProbe } from '@zapdeploy/runtime/cluster-probe';
import type { Redis } from 'ioredis';
import { AdminAccess } from '../admin/access/admin-access.js';
import { AdminsService } from '../admin/access/admins.service.js';
import { AuditLogService } from '../admin/access/audit-log.service.js';
import { describeFlagSource, flagdProviderFor, OpenFeatureFlags } from '../admin/access/openfeature-flags.js';
import { ClusterService } from '../admin/cluster.service.js';
import { FinanceService } from '../admin/finance/finance.service.js';
import { AdminInstanceService } from '../admin/instances/admin-instance.service.js';
import { AdminPlanService } from '../admin/plans/admin-plan.service.js';
import { Superadmins } from '../admin/superadmins.js';
import { UserAdminService } from '../admin/users/user-admin.service.js';
import { type Auth, createAuth } from '../auth/better-auth.js';
import { Guests } from '../auth/guests.js';
import { PrincipalResolver } from '../auth/principal-resolver.js';
import { BillingEvents } from '../billing/billing-events.js';
import { PaymentsClient } from '../billing/payments-client.js';
import type { ApiConfig } from '../config.js';
import { GithubAccess } from '../github/github-access.js';
import { InstanceService } from '../instances/instance.service.js';
import { RepoInspector } from '../instances/repo-inspector.js';
import { TokenService } from '../tokens/token.service.js';
import { ConsoleMailer, type Mailer, SmtpMailer } from './mailer.js';

/** Everything the API needs from the outside world, opened once and closed together. */
export type Platform = {
  readonly config: ApiConfig;
  readonly database: DatabaseHandle;
  readonly bus: MessageBus;
  readonly redis: Redis | undefined;
  readonly logStore: LogStore;
  readonly auth: Auth;
  readonly users: UserRepository;
  readonly plans: PlanRepository;
  readonly instances: InstanceRepository;
  readonly github: GithubAccess;
  readonly webhookDeliveries: WebhookDeliveryRepository;
  readonly resolver: PrincipalResolver;
  readonly instanceService: InstanceService;
  readonly inspector: RepoInspector;
  readonly tokenService: TokenService;
  readonly guests: Guests;
  readonly billing: BillingRepository;
  readonly sessionTransfers: SessionTransferRepository;
  readonly sessionArchives: SessionArchiveStore;
  readonly payments: PaymentsClient;
  readonly readiness: readonly ReadinessCheck[];
  readonly roles: RoleRepository;
  readonly adminAudit: AdminAuditRepository;
  readonly clusters: ClusterRepository;
  readonly clusterService: ClusterService;
  /** Who may do what in the console: roles narrowed by the `admin.<area>` feature flags. */
  readonly adminAccess: AdminAccess;
  readonly admins: AdminsService;
  readonly auditLog: AuditLogService;
  readonly userAdmin: UserAdminService;
  readonly adminInstances: AdminInstanceService;
  readonly adminPlans: AdminPlanService;
  readonly finance: FinanceService;
  close(): Promise<void>;
};

/** An archive file without its transfer row is kept this long (an upload writes the file, then the row). */
const ARCHIVE_SWEEP_GRACE_MS = 10 * 60_000;

export type PlatformOverrides = {
  readonly mailer?: Mailer;
  readonly log?: (line: string) => void;
  /** The payments service's URL when it runs in this process (embedded mode), instead of ZAPDEPLOY_PAYMENTS_URL. */
  readonly paymentsUrl?: string;
  /** Shared with an in-process worker in embedded mode; opened here otherwise. */
  readonly infrastructure?: Infrastructure;
  /** The OpenFeature provider of the console's flags, instead of flagd's for `config.flags` (tests: InMemoryProvider). */
  readonly flagProvider?: FlagProvider;
};

export async function openPlatform(config: ApiConfig, overrides: PlatformOverrides = {}): Promise<Platform> {
  const log = overrides.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const infrastructure = overrides.infrastructure ?? (await openInfrastructure(config.infra, log));
  const { database, bus, redis, logStore, secret } = infrastructure;
  const db = database.db;
  const users = new UserRepository(db);
  const plans = new PlanRepository(db);
  const tokens = new ApiTokenRepository(db);
  const audit = new AuditRepository(db);
  const instances = new InstanceRepository(db, new SecretBox(secret, 'instance-env'));
  const roles = new RoleRepository(db);
  const adminAudit = new AdminAuditRepository(db);
  const superadmins = new Superadmins({
    db,
    roles,
    users,
    audit: adminAudit,
    emails: config.superAdmins,
    verifiedOnly: config.requireEmailVerification,
  });
  const mailer = overrides.mailer ?? (config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : new ConsoleMailer(log));
  // Created before the instance service it needs (Better Auth calls `merge` only on a request).
  let guests: Guests | undefined;
  const auth = createAuth({
    config,
    secret,
    db,
    mailer,
    onGuestUpgraded: async (guestId, userId) => {
      if (!guests) throw new Error('guests are not ready');
      await guests.merge(guestId, userId);
    },
    countAccounts: () => users.countAccounts(),
    onPasswordChanged: async (userId) => {
      const revoked = await tokens.revokeAll(userId);
      await audit.record({ actorId: userId, action: 'token.revoke_all', targetType: 'user', targetId: userId, data: { reason: 'password_changed', revoked } });
    },
    onSignedIn: (userId) => superadmins.onSignedIn(userId),
    isSuspended: async (userId) => (await users.findById(userId))?.suspended ?? false,
  });
  const github = new GithubAccess(config.github, auth, (userId) => users.linkedAccountId(userId, 'github'));
  if (config.superAdmins.length > 0) await users.grantFlagsByEmail(config.superAdmins, ['admin.flags']);
  await superadmins.grantAll();

  const flagSource = overrides.flagProvider ? 'a provider given by the caller' : describeFlagSource(config.flags);
  const adminFlags = await OpenFeatureFlags.open(overrides.flagProvider ?? flagdProviderFor(config.flags), log, flagSource);
  const adminAccess = new AdminAccess({ roles, users, flags: adminFlags });

  const sessionTransfers = new SessionTransferRepository(db);
  const payments = new PaymentsClient(overrides.paymentsUrl ?? config.paymentsUrl, paymentsServiceToken(secret));
  const publishNow = async (message: { name: string; version: number; payload: unknown }) => {
    if (message.name === InstanceReconcileV1.name && message.version === InstanceReconcileV1.version)
      await bus.publish(InstanceReconcileV1, message.payload as InstanceReconcile);
  };
  const clusters = openClusterRepository(db, secret);
  await ensureLocalCluster(clusters, config.localCluster);
  const clusterService = new ClusterService({
    db,
    clusters,
    audit: adminAudit,
    outbox: new OutboxRepository(db),
    probe: new RuntimeClusterProbe(),
    publishNow,
    log,
  });
  // Capacity as the clusters report it: now, then every ZAPDEPLOY_CLUSTER_CHECK_SECONDS.
  const clusterChecks = new Periodic(
    () => clusterService.refreshAll(),
    config.localCluster.checkMs,
    (error) => log(`cluster check: ${String(error)}`),
  );
  clusterChecks.start();
  const instanceService = new InstanceService({
    db,
    instances,
    plans,
    outbox: new OutboxRepository(db),
    audit,
    idempotency: new IdempotencyRepository(db),
    sessions: sessionTransfers,
    sessionArchives: infrastructure.sessionArchives,
    sessionTransferTtlMs: config.infra.sessionTransferTtlMs,
    billingEnforced: config.publicSignups,
    schedulePlanChange: (instanceId, planId) => payments.changePlan(instanceId, planId),
    githubInstallationFor: (userId, repoUrl) => github.installationFor(userId, repoUrl),
    log,
    publishNow,
  });
  const people = new AdminPeopleRepository(db);
  const billing = new BillingRepository(db);
  const userAdmin = new UserAdminService({ db, people, roles, audit: adminAudit, outbox: new OutboxRepository(db), publishNow, log });
  const adminInstances = new AdminInstanceService({
    db,
    people,
    instances,
    plans,
    billing,
    audit: adminAudit,
    outbox: new OutboxRepository(db),
    publishNow,
    log,
  });
  guests = new Guests({
    db,
    users,
    instances,
    instanceService,
    audit,
    ttlDays: config.access.guestTtlDays,
    sweepMs: config.guestSweepMs,
    onError: (error) => log(`zapdeploy: guest sweep failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  guests.start();
  const billingEvents = new BillingEvents({ bus, instances: instanceService, users, logStore, mailer, publicUrl: config.publicUrl, log });
  await billingEvents.start();
  // Expired and replaced session archives are deleted; so are files a crash left without a transfer.
  const sweep = new Periodic(
    () => sweepSessionArchives(sessionTransfers, infrastructure.sessionArchives, ARCHIVE_SWEEP_GRACE_MS),
    Math.min(60_000, config.infra.sessionTransferTtlMs),
    (error) => log(`session archive sweep: ${String(error)}`),
  );
  sweep.start();

  return {
    config,
    database,
    bus,
    redis,
    auth,
    users,
    plans,
    instances,
    github,
    webhookDeliveries: new WebhookDeliveryRepository(db),
    resolver: new PrincipalResolver(auth, tokens, users),
    instanceService,
    inspector: new RepoInspector({
      dataDir: config.infra.dataDir,
      privateHosts: config.allowPrivateGitHosts,
      concurrency: config.inspectConcurrency,
      timeoutMs: 30_000,
      maxBytes: 50 * 1024 * 1024,
      cacheMs: 5 * 60_000,
      log,
    }),
    billing,
    sessionTransfers,
    sessionArchives: infrastructure.sessionArchives,
    payments,
    tokenService: new TokenService(tokens, audit),
    guests,
    readiness: infrastructure.readiness,
    logStore,
    roles,
    adminAudit,
    clusters,
    clusterService,
    adminAccess,
    admins: new AdminsService({ db, roles, users, audit: adminAudit }),
    auditLog: new AuditLogService(adminAudit),
    userAdmin,
    adminInstances,
    adminPlans: new AdminPlanService({ db, plans, audit: adminAudit, repriceSubscriptions: (planId) => payments.repricePlan(planId) }),
    finance: new FinanceService({ db, finance: new FinanceRepository(db), audit: adminAudit, clock: () => new Date() }),
    close: async () => {
      await adminFlags.close();
      await clusterChecks.stop();
      await guests?.stop();
      await sweep.stop();
      await billingEvents.stop();
      if (!overrides.infrastructure) await infrastructure.close();
    },
  };
}
