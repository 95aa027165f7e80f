import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AdminAuditRepository, RoleRepository } from '@zapdeploy/db';
import { hasPermission, type Permission } from '@zapdeploy/domain';
import { HttpProblem } from '../http/http-problem.js';
import type { ApiRequest } from '../http/request-context.js';
import { adminActorOf } from './admin-actor.js';
import { REQUIRED_PERMISSION } from './require-permission.decorator.js';

const ADMIN_PATH = /^\/api\/v1\/admin(\/|$)/;

/**
 * Global guard, after AuthGuard: a route that declares `@RequirePermission` — and every route under /api/v1/admin,
 * declared or not (deny by default) — is open only to a signed-in user holding that permission through a role. Roles
 * are read from Postgres on every request (a revoke applies to the next one). A refusal is 403 `forbidden` and is
 * written to the admin audit log.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(RoleRepository) private readonly roles: RoleRepository,
    @Inject(AdminAuditRepository) private readonly audit: AdminAuditRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const required = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, [context.getHandler(), context.getClass()]);
    if (!required && !ADMIN_PATH.test(request.path)) return true;
    if (!request.principal) throw new HttpProblem(401, 'unauthenticated');
    const granted = await this.roles.permissionsOf(request.principal.userId);
    if (required && hasPermission(granted, required)) {
      request.permissions = granted;
      return true;
    }
    const actor = adminActorOf(request);
    await this.audit.record({
      actorId: actor.userId,
      action: 'admin.denied',
      outcome: 'denied',
      targetType: 'route',
      targetId: `${request.method} ${request.path}`,
      after: { permission: required ?? null },
      ip: actor.ip,
      requestId: actor.requestId,
    });
    throw new HttpProblem(403, 'forbidden', { permission: required ?? 'admin' });
  }
}
