import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AdminAuditRepository } from '@zapdeploy/db';
import type { Permission } from '@zapdeploy/domain';
import { HttpProblem } from '../http/http-problem.js';
import type { ApiRequest } from '../http/request-context.js';
import { AdminAccess } from './access/admin-access.js';
import { adminActorOf } from './admin-actor.js';
import { ANY_ADMIN_AREA, REQUIRED_PERMISSION } from './require-permission.decorator.js';

const ADMIN_PATH = /^\/api\/v1\/admin(\/|$)/;

/**
 * Global guard, after AuthGuard: a route that declares `@RequirePermission` — and every route under /api/v1/admin,
 * declared or not (deny by default) — is open only to a signed-in user holding that permission through a role AND
 * for whom the flag of the permission's area (`admin.<area>`) is on. `@AnyAdminArea` routes need any one area. Roles
 * are read from Postgres and flags evaluated on every request (a revoke applies to the next one). A refusal is 403
 * `forbidden` and is written to the admin audit log.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AdminAccess) private readonly access: AdminAccess,
    @Inject(AdminAuditRepository) private readonly audit: AdminAuditRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const required = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    const anyArea = this.reflector.getAllAndOverride<boolean | undefined>(ANY_ADMIN_AREA, targets) ?? false;
    if (!required && !anyArea && !ADMIN_PATH.test(request.path)) return true;
    if (!request.principal) throw new HttpProblem(401, 'unauthenticated');
    let missing: { permission: string; flag?: string } = { permission: required ?? 'admin' };
    if (required) {
      const decision = await this.access.decide(request.principal.userId, required);
      if (decision.allowed) {
        request.permissions = decision.granted;
        return true;
      }
      if (decision.flag) missing = { permission: required, flag: decision.flag };
    } else if (anyArea) {
      const summary = await this.access.summary(request.principal.userId);
      if (summary && summary.areas.length > 0) {
        request.permissions = summary.permissions;
        return true;
      }
    }
    const actor = adminActorOf(request);
    await this.audit.record({
      actorId: actor.userId,
      action: 'admin.denied',
      outcome: 'denied',
      targetType: 'route',
      targetId: `${request.method} ${request.path}`,
      after: { permission: required ?? null, ...(missing.flag ? { flagOff: missing.flag } : {}) },
      ip: actor.ip,
      requestId: actor.requestId,
    });
    throw new HttpProblem(403, 'forbidden', { permission: missing.permission });
  }
}
