import { z } from 'zod';
import {
  ClusterListSchema,
  ClusterSchema,
  CreateClusterSchema,
  MoveAcceptedSchema,
  MoveInstanceSchema,
  UpdateClusterSchema,
  UpdatedClusterSchema,
} from './admin.js';
import { adminAccessRoutes } from './admin-access.js';
import { adminMoneyRoutes } from './admin-money.js';
import { adminPeopleRoutes } from './admin-people.js';
import { CreatedTokenSchema, CreateTokenSchema, GuestResponseSchema, MeSchema, TokenListSchema } from './auth.js';
import { CheckoutRequestSchema, CheckoutSchema, PaymentListSchema } from './billing.js';
import { IdParamSchema } from './common.js';
import {
  AcceptedSchema,
  CreateInstanceSchema,
  DeploymentListSchema,
  InstanceListQuerySchema,
  InstanceListSchema,
  InstanceSchema,
  UpdateInstanceSchema,
} from './instances.js';
import { LogPageSchema, LogQuerySchema } from './logs.js';
import { PlanListSchema } from './plans.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteDef = {
  readonly method: HttpMethod;
  /** OpenAPI-style path, e.g. /api/v1/instances/{id}. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /**
   * admin: a signed-in user holding `permission` through a role and the flag of its area (`admin.<area>`), 403 `forbidden`
   * otherwise; an admin route without `permission` is open to anyone with at least one area.
   */
  readonly auth: 'public' | 'user' | 'admin';
  readonly permission?: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  readonly params?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType }>>;
};

const SignUpEmailSchema = z
  .object({
    email: z.email(),
    password: z.string().min(10).max(128),
    name: z.string().min(1).max(100),
  })
  .meta({ id: 'SignUpEmail' });
const SignInEmailSchema = z.object({ email: z.email(), password: z.string() }).meta({ id: 'SignInEmail' });
const AuthUserSchema = z
  .object({ token: z.string().nullable().optional(), user: z.object({ id: z.string(), email: z.string(), name: z.string() }) })
  .meta({ id: 'AuthResult' });
const InspectRequestSchema = z
  .object({
    repoUrl: z.string().min(1).max(500),
    branch: z.string().min(1).max(200).optional(),
    rootDir: z.string().max(300).optional(),
  })
  .meta({ id: 'InspectRepository' });
const InspectResultSchema = z
  .object({
    ok: z.boolean(),
    kind: z.enum(['node', 'python', 'dockerfile']).optional(),
    packageManager: z.enum(['npm', 'pnpm', 'yarn']).optional(),
    start: z.string().optional().describe('The command the bot starts with'),
    chromium: z.boolean().optional().describe('The bot drives a browser: Chromium is installed; plans under 512 MB are too small'),
    branch: z.string().optional(),
    problem: z.object({ code: z.string(), detail: z.string() }).optional().describe('Why a deploy would fail, and what to add'),
  })
  .meta({ id: 'InspectResult' });
const SessionTransferSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['backup', 'restore']),
    status: z.enum(['pending', 'done', 'failed', 'expired']).describe('`expired`: past expiresAt, or replaced by a newer transfer; its archive is gone'),
    bytes: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    expiresAt: z.string().describe('A backup can be downloaded, or a restore applied, until then'),
  })
  .meta({ id: 'SessionTransfer' });
const TransferParamsSchema = z.object({ id: z.string().min(1).max(64), transferId: z.string().min(1).max(64) });
const IdempotencyHeaderSchema = z.object({
  'idempotency-key': z.string().min(8).max(128).optional().describe('Retries with the same key return the first answer'),
});

export const routes = {
  health: {
    method: 'get',
    path: '/api/health',
    summary: 'Liveness',
    tag: 'platform',
    auth: 'public',
    responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
  },
  ready: {
    method: 'get',
    path: '/api/ready',
    summary: 'Readiness: database, bus and log store answer',
    tag: 'platform',
    auth: 'public',
    responses: {
      200: { description: 'Ready', schema: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.string()) }) },
      503: { description: 'A dependency does not answer' },
    },
  },
  guest: {
    method: 'post',
    path: '/api/v1/guest',
    summary: 'Start a guest session (no sign-up); idle guests are deleted with their instance after ZAPDEPLOY_GUEST_TTL_DAYS',
    tag: 'auth',
    auth: 'public',
    responses: {
      201: { description: 'Guest created; session cookie set', schema: GuestResponseSchema },
      200: { description: 'Already signed in: the current user', schema: GuestResponseSchema },
      403: { description: 'guests_disabled: this install does not take guests' },
      429: { description: 'rate_limited: too many guests from this network' },
    },
  },
  signUpEmail: {
    method: 'post',
    path: '/api/auth/sign-up/email',
    summary: 'Sign up with e-mail and password (a guest session is upgraded, keeping its instances)',
    tag: 'auth',
    auth: 'public',
    body: SignUpEmailSchema,
    responses: { 200: { description: 'Signed up (and signed in unless e-mail verification is required)', schema: AuthUserSchema } },
  },
  signInEmail: {
    method: 'post',
    path: '/api/auth/sign-in/email',
    summary: 'Sign in with e-mail and password',
    tag: 'auth',
    auth: 'public',
    body: SignInEmailSchema,
    responses: { 200: { description: 'Signed in; session cookie set', schema: AuthUserSchema } },
  },
  signInGithub: {
    method: 'post',
    path: '/api/auth/sign-in/social',
    summary: 'Start GitHub sign-in (a guest session is upgraded, keeping its instances); send the browser to the returned url',
    tag: 'auth',
    auth: 'public',
    body: z.object({ provider: z.literal('github'), callbackURL: z.string().optional(), errorCallbackURL: z.string().optional() }),
    responses: { 200: { description: 'Where to send the browser', schema: z.object({ url: z.string(), redirect: z.boolean() }) } },
  },
  signOut: {
    method: 'post',
    path: '/api/auth/sign-out',
    summary: 'Sign out (ends the session of the cookie sent; without one there is nothing to end, and it still answers 200)',
    tag: 'auth',
    auth: 'public',
    responses: { 200: { description: 'Signed out' } },
  },
  me: {
    method: 'get',
    path: '/api/v1/me',
    summary: 'The signed-in user',
    tag: 'auth',
    auth: 'user',
    responses: { 200: { description: 'Me', schema: MeSchema } },
  },
  createToken: {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create a personal API token (shown once)',
    tag: 'tokens',
    auth: 'user',
    body: CreateTokenSchema,
    responses: { 201: { description: 'Created', schema: CreatedTokenSchema } },
  },
  listTokens: {
    method: 'get',
    path: '/api/v1/tokens',
    summary: 'List live API tokens',
    tag: 'tokens',
    auth: 'user',
    responses: { 200: { description: 'Tokens', schema: TokenListSchema } },
  },
  revokeToken: {
    method: 'delete',
    path: '/api/v1/tokens/{id}',
    summary: 'Revoke an API token',
    tag: 'tokens',
    auth: 'user',
    params: IdParamSchema,
    responses: { 204: { description: 'Revoked' } },
  },
  plans: {
    method: 'get',
    path: '/api/v1/plans',
    summary: 'Plans and prices (BRL)',
    tag: 'plans',
    auth: 'public',
    responses: { 200: { description: 'Plans', schema: PlanListSchema } },
  },
  createInstance: {
    method: 'post',
    path: '/api/v1/instances',
    summary: 'Create an instance from a git repository',
    tag: 'instances',
    auth: 'user',
    body: CreateInstanceSchema,
    headers: IdempotencyHeaderSchema,
    responses: { 201: { description: 'Created and queued', schema: InstanceSchema } },
  },
  listInstances: {
    method: 'get',
    path: '/api/v1/instances',
    summary: 'My instances, newest first',
    tag: 'instances',
    auth: 'user',
    query: InstanceListQuerySchema,
    responses: { 200: { description: 'A page of instances', schema: InstanceListSchema } },
  },
  getInstance: {
    method: 'get',
    path: '/api/v1/instances/{id}',
    summary: 'One instance',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 200: { description: 'Instance', schema: InstanceSchema } },
  },
  updateInstance: {
    method: 'patch',
    path: '/api/v1/instances/{id}',
    summary: 'Rename, change plan or replace environment variables',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    body: UpdateInstanceSchema,
    responses: { 200: { description: 'Updated', schema: InstanceSchema } },
  },
  deleteInstance: {
    method: 'delete',
    path: '/api/v1/instances/{id}',
    summary: 'Delete an instance',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Deletion under way', schema: AcceptedSchema } },
  },
  pauseInstance: {
    method: 'post',
    path: '/api/v1/instances/{id}/pause',
    summary: 'Pause (stop, keep image and data)',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Accepted', schema: AcceptedSchema } },
  },
  resumeInstance: {
    method: 'post',
    path: '/api/v1/instances/{id}/resume',
    summary: 'Resume a paused instance',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Accepted', schema: AcceptedSchema } },
  },
  redeployInstance: {
    method: 'post',
    path: '/api/v1/instances/{id}/redeploy',
    summary: 'Build the branch again and replace the running bot',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Accepted', schema: AcceptedSchema } },
  },
  restartInstance: {
    method: 'post',
    path: '/api/v1/instances/{id}/restart',
    summary: 'Restart without rebuilding',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Accepted', schema: AcceptedSchema } },
  },
  instanceEnv: {
    method: 'get',
    path: '/api/v1/instances/{id}/env',
    summary: 'Environment variables with their values (owner only)',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 200: { description: 'Variables', schema: z.object({ env: z.record(z.string(), z.string()) }).meta({ id: 'InstanceEnv' }) } },
  },
  whatsapp: {
    method: 'get',
    path: '/api/v1/instances/{id}/whatsapp',
    summary: 'WhatsApp pairing read from the bot’s output: the QR (payload, clean SVG, expiry), a pairing code, the connection',
    tag: 'whatsapp',
    auth: 'user',
    params: IdParamSchema,
    responses: {
      200: {
        description: 'Pairing state',
        schema: z
          .object({
            qr: z.object({ payload: z.string(), svg: z.string(), seenAt: z.string(), expiresAt: z.string() }).nullable(),
            pairingCode: z.string().nullable(),
            connection: z.enum(['unknown', 'waiting_qr', 'connected', 'logged_out']),
            sessionPersisted: z.boolean(),
          })
          .meta({ id: 'Whatsapp' }),
      },
    },
  },
  whatsappReset: {
    method: 'post',
    path: '/api/v1/instances/{id}/whatsapp/reset',
    summary: 'Log the bot out of WhatsApp: delete its session folders and restart it to pair again',
    tag: 'whatsapp',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Accepted', schema: AcceptedSchema } },
  },
  checkout: {
    method: 'post',
    path: '/api/v1/instances/{id}/checkout',
    summary: 'Pay for an instance’s plan: a Pix charge (QR and copia e cola) or a card subscription (redirect to Mercado Pago)',
    tag: 'billing',
    auth: 'user',
    params: IdParamSchema,
    body: CheckoutRequestSchema,
    responses: {
      201: { description: 'Checkout created', schema: CheckoutSchema },
      403: { description: 'Guests sign up before paying' },
      503: { description: 'Payments are not configured on this install' },
    },
  },
  listPayments: {
    method: 'get',
    path: '/api/v1/instances/{id}/payments',
    summary: 'The instance’s billing (plan paid, paid until, grace) and its payment history',
    tag: 'billing',
    auth: 'user',
    params: IdParamSchema,
    responses: { 200: { description: 'Billing and payments, newest first', schema: PaymentListSchema } },
  },
  mercadopagoWebhook: {
    method: 'post',
    path: '/api/webhooks/mercadopago',
    summary: 'Mercado Pago notifications (x-signature checked; the resource is fetched by id before anything changes)',
    tag: 'billing',
    auth: 'public',
    responses: { 200: { description: 'Stored for processing' }, 401: { description: 'Bad or stale signature' } },
  },
  inspectRepository: {
    method: 'post',
    path: '/api/v1/repositories/inspect',
    summary: 'What a deploy of a repository would do (kind, start command, Chromium), or what it lacks — before deploying',
    tag: 'instances',
    auth: 'user',
    body: InspectRequestSchema,
    responses: {
      200: { description: 'The detection', schema: InspectResultSchema },
      429: { description: 'Another inspection of yours is running, or too many are (`inspect_busy`); Retry-After says when to try again' },
    },
  },
  sessionBackup: {
    method: 'post',
    path: '/api/v1/instances/{id}/whatsapp/session/backup',
    summary: 'Start a backup of the WhatsApp session folders (download it from the transfer when done)',
    tag: 'whatsapp',
    auth: 'user',
    params: IdParamSchema,
    responses: { 202: { description: 'Backup requested', schema: SessionTransferSchema } },
  },
  sessionRestore: {
    method: 'post',
    path: '/api/v1/instances/{id}/whatsapp/session/restore',
    summary: 'Restore the WhatsApp session from a backup (.tar.gz body, Content-Type application/gzip); the bot restarts with it',
    tag: 'whatsapp',
    auth: 'user',
    params: IdParamSchema,
    responses: {
      202: { description: 'Restore requested', schema: SessionTransferSchema },
      402: { description: 'The instance is held for payment' },
      413: { description: 'Over ZAPDEPLOY_SESSION_ARCHIVE_MAX_MB compressed, or expands to more than four times that' },
      422: { description: 'Not a session backup we can use' },
    },
  },
  sessionTransfer: {
    method: 'get',
    path: '/api/v1/instances/{id}/whatsapp/session/transfers/{transferId}',
    summary: 'Where a session backup or restore is',
    tag: 'whatsapp',
    auth: 'user',
    params: TransferParamsSchema,
    responses: { 200: { description: 'The transfer', schema: SessionTransferSchema } },
  },
  sessionDownload: {
    method: 'get',
    path: '/api/v1/instances/{id}/whatsapp/session/transfers/{transferId}/download',
    summary: 'The session backup (.tar.gz of sessions/…), once done',
    tag: 'whatsapp',
    auth: 'user',
    params: TransferParamsSchema,
    responses: { 200: { description: 'application/gzip' }, 409: { description: 'Not ready' }, 410: { description: 'Expired or replaced by a newer backup' } },
  },
  listDeployments: {
    method: 'get',
    path: '/api/v1/instances/{id}/deployments',
    summary: 'Deploy history',
    tag: 'instances',
    auth: 'user',
    params: IdParamSchema,
    responses: { 200: { description: 'Deployments, newest first', schema: DeploymentListSchema } },
  },
  instanceLogs: {
    method: 'get',
    path: '/api/v1/instances/{id}/logs',
    summary: 'Runtime logs: recent lines as JSON, or live over SSE (Accept: text/event-stream or ?follow=1; resumes from Last-Event-ID)',
    tag: 'logs',
    auth: 'user',
    params: IdParamSchema,
    query: LogQuerySchema,
    responses: { 200: { description: 'Lines, oldest first; as SSE: event id = position, data = {ts, stream, line}', schema: LogPageSchema } },
  },
  deploymentLogs: {
    method: 'get',
    path: '/api/v1/deployments/{id}/logs',
    summary: 'Build logs of a deployment (same format as instance logs)',
    tag: 'logs',
    auth: 'user',
    params: IdParamSchema,
    query: LogQuerySchema,
    responses: { 200: { description: 'Lines, oldest first', schema: LogPageSchema } },
  },
  events: {
    method: 'get',
    path: '/api/v1/events',
    summary: 'Live status changes of my instances (SSE; event "instance.status", data = {instanceId, status, reason, at})',
    tag: 'logs',
    auth: 'user',
    responses: { 200: { description: 'text/event-stream' } },
  },
  features: {
    method: 'get',
    path: '/api/v1/config',
    summary: 'What this install offers (GitHub sign-in, GitHub App, e-mail verification, guests, who may sign up)',
    tag: 'platform',
    auth: 'public',
    responses: {
      200: {
        description: 'Features',
        schema: z.object({
          githubSignIn: z.boolean(),
          githubApp: z.boolean(),
          requireEmailVerification: z.boolean(),
          publicSignups: z.boolean(),
          guests: z.boolean(),
          guestTtlDays: z.number().int(),
          signups: z.enum(['open', 'first-account', 'restricted']),
        }),
      },
    },
  },
  githubRepos: {
    method: 'get',
    path: '/api/v1/github/repos',
    summary: 'Repositories I can deploy through the Zapdeploy GitHub App (needs GitHub sign-in)',
    tag: 'github',
    auth: 'user',
    responses: {
      200: {
        description: 'Repositories and the App install link',
        schema: z
          .object({
            items: z.array(
              z.object({ fullName: z.string(), htmlUrl: z.string(), private: z.boolean(), defaultBranch: z.string(), installationId: z.string() }),
            ),
            installUrl: z.string().nullable(),
          })
          .meta({ id: 'GithubRepos' }),
      },
    },
  },
  githubWebhook: {
    method: 'post',
    path: '/api/webhooks/github',
    summary: 'GitHub App webhook (X-Hub-Signature-256): a push redeploys the instances on that branch',
    tag: 'github',
    auth: 'public',
    responses: { 202: { description: 'Accepted', schema: z.object({ redeployed: z.number().int().optional(), duplicate: z.boolean().optional() }) } },
  },
  adminListClusters: {
    method: 'get',
    path: '/api/v1/admin/clusters',
    summary: 'Every cluster with its status, capacity, what is requested of it, its instances and monthly cost (never its credentials)',
    tag: 'admin',
    auth: 'admin',
    permission: 'clusters.read',
    responses: { 200: { description: 'Clusters by name', schema: ClusterListSchema } },
  },
  adminCreateCluster: {
    method: 'post',
    path: '/api/v1/admin/clusters',
    summary: 'Add a cluster; its credentials are checked by connecting to it before anything is saved',
    tag: 'admin',
    auth: 'admin',
    permission: 'clusters.write',
    body: CreateClusterSchema,
    responses: {
      201: { description: 'Added, with the capacity just read', schema: ClusterSchema },
      409: { description: 'cluster_name_taken' },
      422: { description: 'cluster_unreachable: could not connect or read it (nothing saved); validation_failed' },
    },
  },
  adminGetCluster: {
    method: 'get',
    path: '/api/v1/admin/clusters/{id}',
    summary: 'One cluster',
    tag: 'admin',
    auth: 'admin',
    permission: 'clusters.read',
    params: IdParamSchema,
    responses: { 200: { description: 'The cluster', schema: ClusterSchema } },
  },
  adminUpdateCluster: {
    method: 'patch',
    path: '/api/v1/admin/clusters/{id}',
    summary: 'Cordon, uncordon, drain; change name, region, cost, registry, storage class or credentials (checked by connecting)',
    tag: 'admin',
    auth: 'admin',
    permission: 'clusters.write',
    params: IdParamSchema,
    body: UpdateClusterSchema,
    responses: {
      200: { description: 'Changed; with `drain` when draining started', schema: UpdatedClusterSchema },
      409: { description: 'cluster_name_taken' },
      422: { description: 'cluster_unreachable (nothing saved)' },
    },
  },
  adminDeleteCluster: {
    method: 'delete',
    path: '/api/v1/admin/clusters/{id}',
    summary: 'Remove a cluster no live instance is placed on or moving to',
    tag: 'admin',
    auth: 'admin',
    permission: 'clusters.write',
    params: IdParamSchema,
    responses: { 204: { description: 'Removed' }, 409: { description: 'cluster_not_empty' } },
  },
  adminMoveInstance: {
    method: 'post',
    path: '/api/v1/admin/instances/{id}/move',
    summary: 'Move an instance to another cluster (stop, copy its session data, start there: never two copies); the workers carry it out',
    tag: 'admin',
    auth: 'admin',
    permission: 'instances.write',
    params: IdParamSchema,
    body: MoveInstanceSchema,
    responses: {
      202: { description: 'Move recorded', schema: MoveAcceptedSchema },
      404: { description: 'instance_not_found, cluster_not_found' },
      409: { description: 'same_cluster, cluster_not_active, instance_deleted' },
      422: { description: 'no_capacity' },
    },
  },
  ...adminAccessRoutes,
  ...adminPeopleRoutes,
  ...adminMoneyRoutes,
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof routes;
