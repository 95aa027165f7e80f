import { z } from 'zod';
import { BILLING_METHODS } from './billing.js';
import { IdParamSchema } from './common.js';
import { INSTANCE_STATUS_VALUES } from './instances.js';
import { LogPageSchema, LogQuerySchema } from './logs.js';
import type { RouteDef } from './routes.js';

/** Operator console, people area(s): users and instances of any owner. Schemas and routes (spread into `routes`). */

const CursorSchema = z.string().max(256).optional().describe('Opaque: the `nextCursor` of the previous page');
const LimitSchema = z.coerce.number().int().min(1).max(200).default(50);
const BooleanQuerySchema = z.enum(['true', 'false']).transform((value) => value === 'true');
const ReasonSchema = z.string().trim().min(3).max(500);

export const AdminUserListQuerySchema = z.object({
  q: z.string().trim().max(200).optional().describe('Part of the e-mail or name (any case), or an exact user id'),
  cursor: CursorSchema,
  limit: LimitSchema,
});

export const UserSummarySchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    isGuest: z.boolean(),
    suspended: z.boolean(),
    instanceCount: z.number().int().describe('Live (not deleted) instances'),
    createdAt: z.string(),
    lastActiveAt: z.string(),
  })
  .meta({ id: 'UserSummary' });
export type UserSummaryDto = z.infer<typeof UserSummarySchema>;

export const AdminUserListSchema = z.object({ items: z.array(UserSummarySchema), nextCursor: z.string().nullable() }).meta({ id: 'AdminUserList' });

export const AdminInstanceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ownerId: z.string().nullable().describe('Null when the owner (a guest) is gone'),
    ownerEmail: z.string().nullable(),
    guest: z.boolean(),
    status: z.enum(INSTANCE_STATUS_VALUES),
    statusReason: z.string().nullable(),
    statusDetail: z.string().nullable().describe('The reason, said in the caller’s language'),
    desiredState: z.enum(['running', 'paused', 'deleted']),
    pausedBySuspension: z.boolean().describe('Paused by its owner’s suspension: unsuspending resumes it'),
    planId: z.string(),
    planName: z.string(),
    clusterId: z.string().nullable(),
    clusterName: z.string().nullable(),
    targetClusterId: z.string().nullable(),
    billingState: z.enum(['awaiting_payment', 'active', 'grace', 'suspended', 'ended']).nullable(),
    billingMethod: z.enum(BILLING_METHODS).nullable(),
    paidUntil: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AdminInstance' });
export type AdminInstanceDto = z.infer<typeof AdminInstanceSchema>;

export const AdminPaymentSchema = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    planId: z.string(),
    method: z.string(),
    amountCents: z.number().int(),
    status: z.string(),
    approvedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminPayment' });

export const UserDetailSchema = UserSummarySchema.extend({
  suspendedAt: z.string().nullable(),
  suspendedReason: z.string().nullable(),
  maxInstances: z.number().int().nullable().describe('Cap on live instances; null: the platform’s rules only'),
  signInMethods: z.array(z.string()).describe('password, github, guest…'),
  instances: z.array(AdminInstanceSchema),
  payments: z.array(AdminPaymentSchema),
}).meta({ id: 'UserDetail' });
export type UserDetailDto = z.infer<typeof UserDetailSchema>;

export const SuspendUserSchema = z.object({ reason: ReasonSchema }).strict().meta({ id: 'SuspendUser' });
export const UpdateUserSchema = z
  .object({ maxInstances: z.number().int().min(0).max(10_000).nullable() })
  .strict()
  .meta({ id: 'AdminUpdateUser' });

export const AdminInstanceListQuerySchema = z.object({
  userId: z.string().max(64).optional(),
  clusterId: z.string().max(64).optional(),
  status: z.enum(INSTANCE_STATUS_VALUES).optional().describe('`deleted` lists deleted instances; otherwise only live ones are listed'),
  planId: z.string().max(64).optional(),
  guest: BooleanQuerySchema.optional().describe('Owned by a guest (true) or by an account (false)'),
  unpaid: BooleanQuerySchema.optional().describe('On a production plan without an active paid (or courtesy) period'),
  q: z.string().trim().max(200).optional().describe('Part of the name or owner e-mail (any case), or an exact instance id'),
  cursor: CursorSchema,
  limit: LimitSchema,
});

export const AdminInstanceListSchema = z.object({ items: z.array(AdminInstanceSchema), nextCursor: z.string().nullable() }).meta({ id: 'AdminInstanceList' });

export const AdminDeploymentSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    status: z.string(),
    trigger: z.string(),
    commitSha: z.string().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'AdminDeployment' });

export const AdminInstanceDetailSchema = AdminInstanceSchema.extend({
  repoUrl: z.string(),
  branch: z.string().nullable(),
  deployments: z.array(AdminDeploymentSchema).describe('Newest first'),
}).meta({ id: 'AdminInstanceDetail' });

export const AdminInstanceAcceptedSchema = z.object({ instance: AdminInstanceSchema }).meta({ id: 'AdminInstanceAccepted' });

export const CourtesySchema = z
  .object({
    planId: z.string().min(1).max(64),
    until: z.iso.datetime({ offset: true }).describe('When the courtesy ends (future, at most a year away); then it ends as an unpaid period would'),
    reason: ReasonSchema,
  })
  .strict()
  .meta({ id: 'Courtesy' });
export type Courtesy = z.infer<typeof CourtesySchema>;

const admin = { tag: 'admin', auth: 'admin' } as const;
const userNotFound = { 404: { description: 'user_not_found' } } as const;
const instanceNotFound = { 404: { description: 'instance_not_found' } } as const;

function instanceAction(action: 'pause' | 'resume' | 'restart' | 'redeploy', summary: string): RouteDef {
  return {
    ...admin,
    method: 'post',
    path: `/api/v1/admin/instances/{id}/${action}`,
    summary,
    permission: 'instances.write',
    params: IdParamSchema,
    responses: {
      202: { description: 'Recorded; the workers carry it out', schema: AdminInstanceAcceptedSchema },
      ...instanceNotFound,
      409: { description: 'instance_deleted, instance_not_paused, instance_paused' },
      402: { description: 'instance_unpaid (held for payment: grant a courtesy or let the owner pay)' },
    },
  };
}

export const adminPeopleRoutes = {
  adminListUsers: {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/users',
    summary: 'Search users (guests included) by e-mail, name or id; newest first',
    permission: 'users.read',
    query: AdminUserListQuerySchema,
    responses: { 200: { description: 'A page of users', schema: AdminUserListSchema }, 422: { description: 'invalid_cursor, validation_failed' } },
  },
  adminGetUser: {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/users/{id}',
    summary: 'A user with their instances, payments, sign-in methods and suspension',
    permission: 'users.read',
    params: IdParamSchema,
    responses: { 200: { description: 'The user', schema: UserDetailSchema }, ...userNotFound },
  },
  adminUpdateUser: {
    ...admin,
    method: 'patch',
    path: '/api/v1/admin/users/{id}',
    summary: 'Set the user’s cap on live instances (null: none but the platform’s rules); applies to the next creation',
    permission: 'users.suspend',
    params: IdParamSchema,
    body: UpdateUserSchema,
    responses: { 200: { description: 'The user', schema: UserDetailSchema }, ...userNotFound },
  },
  adminSuspendUser: {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/users/{id}/suspend',
    summary: 'Suspend an account: its sessions end, sign-in and API tokens are refused, its running instances are paused ("conta suspensa")',
    permission: 'users.suspend',
    params: IdParamSchema,
    body: SuspendUserSchema,
    responses: {
      200: { description: 'Suspended (again: nothing changes)', schema: UserDetailSchema },
      ...userNotFound,
      403: { description: 'cannot_suspend_admin: only an owner suspends an administrator' },
      409: { description: 'cannot_suspend_self' },
    },
  },
  adminUnsuspendUser: {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/users/{id}/unsuspend',
    summary: 'Lift a suspension: the instances it paused run again',
    permission: 'users.suspend',
    params: IdParamSchema,
    responses: { 200: { description: 'Not suspended', schema: UserDetailSchema }, ...userNotFound },
  },
  adminListInstances: {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/instances',
    summary: 'Every instance, whoever owns it, filtered; newest first',
    permission: 'instances.read',
    query: AdminInstanceListQuerySchema,
    responses: { 200: { description: 'A page of instances', schema: AdminInstanceListSchema }, 422: { description: 'invalid_cursor, validation_failed' } },
  },
  adminGetInstance: {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/instances/{id}',
    summary: 'An instance of any owner, with its deployments',
    permission: 'instances.read',
    params: IdParamSchema,
    responses: { 200: { description: 'The instance', schema: AdminInstanceDetailSchema }, ...instanceNotFound },
  },
  adminInstanceLogs: {
    ...admin,
    method: 'get',
    path: '/api/v1/admin/instances/{id}/logs',
    summary: 'The instance’s output, as its owner sees it (`follow=1` or Accept: text/event-stream: live)',
    permission: 'instances.read',
    params: IdParamSchema,
    query: LogQuerySchema,
    responses: { 200: { description: 'Lines, oldest first', schema: LogPageSchema }, ...instanceNotFound },
  },
  adminPauseInstance: instanceAction('pause', 'Pause any instance'),
  adminResumeInstance: instanceAction('resume', 'Resume a paused instance'),
  adminRestartInstance: instanceAction('restart', 'Restart an instance without rebuilding'),
  adminRedeployInstance: instanceAction('redeploy', 'Build the instance’s branch again and replace it'),
  adminDeleteInstance: {
    ...admin,
    method: 'delete',
    path: '/api/v1/admin/instances/{id}',
    summary: 'Delete any instance (the workers remove its bot and data)',
    permission: 'instances.write',
    params: IdParamSchema,
    responses: { 204: { description: 'Deletion recorded' }, ...instanceNotFound, 409: { description: 'instance_deleted' } },
  },
  adminGrantCourtesy: {
    ...admin,
    method: 'post',
    path: '/api/v1/admin/instances/{id}/courtesy',
    summary: 'Run an instance on a plan without payment until a date (billing active, method courtesy); then it ends as an unpaid period would',
    permission: 'instances.write',
    params: IdParamSchema,
    body: CourtesySchema,
    responses: {
      200: { description: 'The instance on its courtesy plan', schema: AdminInstanceSchema },
      404: { description: 'instance_not_found, plan_not_found' },
      409: { description: 'instance_deleted' },
      422: { description: 'courtesy_until_invalid, plan_not_billable, validation_failed' },
    },
  },
} as const satisfies Record<string, RouteDef>;
