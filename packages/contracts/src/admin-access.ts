import { z } from 'zod';
import type { RouteDef } from './routes.js';

/** Operator console, access area: who administers what (roles narrowed by feature flags), and the audit log. */

/** The console's areas (the same list as ADMIN_AREAS in packages/domain/src/permissions.ts). */
export const ADMIN_AREA_VALUES = ['clusters', 'users', 'instances', 'plans', 'finance', 'admins'] as const;
const AreaSchema = z.enum(ADMIN_AREA_VALUES);

export const AdminMeSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    areas: z.array(AreaSchema).describe('Areas the caller has now: their role (`area-<area>` or `owner`) held and the flag `admin.<area>` on for them'),
    permissions: z.array(z.string()).describe('What the caller may do now: permissions of their roles whose area’s flag is on'),
    owner: z.boolean(),
  })
  .meta({ id: 'AdminMe' });
export type AdminMe = z.infer<typeof AdminMeSchema>;

export const AdminSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    areas: z
      .array(AreaSchema)
      .describe('Areas granted through roles (`area-<area>`; every area for an owner). The flag `admin.<area>` may still narrow them: see /admin/me'),
    owner: z.boolean(),
    grantedAt: z.string().nullable().describe('When the first of their roles was granted (null: they hold none now)'),
  })
  .meta({ id: 'Admin' });
export type Admin = z.infer<typeof AdminSchema>;

export const AdminListSchema = z.object({ items: z.array(AdminSchema) }).meta({ id: 'AdminList' });

export const SetAdminAreasSchema = z
  .object({ areas: z.array(AreaSchema).max(ADMIN_AREA_VALUES.length).describe('Exactly the areas to hold: others are revoked; `owner` is never touched') })
  .strict()
  .meta({ id: 'SetAdminAreas' });
export type SetAdminAreas = z.infer<typeof SetAdminAreasSchema>;

export const UserIdParamSchema = z.object({ userId: z.string().min(1).max(64) });

const DateFilterSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const AuditQuerySchema = z
  .object({
    actorId: z.string().min(1).max(64).optional(),
    action: z.string().min(1).max(100).optional(),
    targetType: z.string().min(1).max(50).optional(),
    targetId: z.string().min(1).max(300).optional(),
    outcome: z.enum(['ok', 'denied']).optional(),
    from: DateFilterSchema.optional().describe('Entries at or after this time (a date: from its start, UTC)'),
    to: DateFilterSchema.optional().describe('Entries before this time (a date: up to its end, UTC)'),
    cursor: z.string().min(1).max(256).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .meta({ id: 'AuditQuery' });
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    actorId: z.string().nullable().describe('Null: the platform itself (e.g. ZAPDEPLOY_SUPERADMINS at start)'),
    actorEmail: z.string().nullable(),
    action: z.string(),
    outcome: z.enum(['ok', 'denied']),
    targetType: z.string(),
    targetId: z.string().nullable(),
    before: z.unknown().describe('Secrets redacted'),
    after: z.unknown().describe('Secrets redacted'),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }).meta({ id: 'AuditPage' });

export const adminAccessRoutes = {
  adminMe: {
    method: 'get',
    path: '/api/v1/admin/me',
    summary: 'The caller’s console areas and permissions (open to anyone with at least one area; 403 for others)',
    tag: 'admin',
    auth: 'admin',
    responses: { 200: { description: 'Areas and permissions', schema: AdminMeSchema } },
  },
  adminListAdmins: {
    method: 'get',
    path: '/api/v1/admin/admins',
    summary: 'Everyone holding an administrative role, with their areas',
    tag: 'admin',
    auth: 'admin',
    permission: 'admins.manage',
    responses: { 200: { description: 'Administrators by e-mail', schema: AdminListSchema } },
  },
  adminSetAdminAreas: {
    method: 'put',
    path: '/api/v1/admin/admins/{userId}',
    summary: 'Give an account exactly these areas (grants and revokes `area-*` roles; never `owner`); audited',
    tag: 'admin',
    auth: 'admin',
    permission: 'admins.manage',
    params: UserIdParamSchema,
    body: SetAdminAreasSchema,
    responses: {
      200: { description: 'The administrator now', schema: AdminSchema },
      404: { description: 'user_not_found' },
      409: { description: 'cannot_change_self: an administrator may not change their own areas' },
      422: { description: 'guest_cannot_be_admin; validation_failed' },
    },
  },
  adminRevokeAdmin: {
    method: 'delete',
    path: '/api/v1/admin/admins/{userId}',
    summary: 'Revoke every administrative role of an account (`owner` too when the caller is an owner, never the last one); audited',
    tag: 'admin',
    auth: 'admin',
    permission: 'admins.manage',
    params: UserIdParamSchema,
    responses: { 204: { description: 'Revoked' }, 404: { description: 'user_not_found' }, 409: { description: 'last_owner' } },
  },
  adminAudit: {
    method: 'get',
    path: '/api/v1/admin/audit',
    summary: 'The administrators’ audit log, newest first (denied attempts included), filtered',
    tag: 'admin',
    auth: 'admin',
    permission: 'audit.read',
    query: AuditQuerySchema,
    responses: { 200: { description: 'A page of entries', schema: AuditPageSchema }, 422: { description: 'invalid_cursor; validation_failed' } },
  },
} as const satisfies Record<string, RouteDef>;
