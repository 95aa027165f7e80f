import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import { HttpProblem } from '../../http/http-problem.js';
import { ZodPipe } from '../../http/zod-pipe.js';
import { type AdminActor, CurrentAdmin } from '../admin-actor.js';
import { AnyAdminArea, RequirePermission } from '../require-permission.decorator.js';
import { AdminAccess } from './admin-access.js';
import { AdminsService } from './admins.service.js';
import { AuditLogService } from './audit-log.service.js';

const userIdPipe = new ZodPipe(routes.adminSetAdminAreas.params, 'params');

/** The console's access area: the caller's own areas, who administers what, and the audit log. */
@Controller('api/v1/admin')
export class AdminAccessController {
  constructor(
    @Inject(AdminAccess) private readonly access: AdminAccess,
    @Inject(AdminsService) private readonly admins: AdminsService,
    @Inject(AuditLogService) private readonly auditLog: AuditLogService,
  ) {}

  @AnyAdminArea()
  @Get('me')
  async me(@CurrentAdmin() actor: AdminActor) {
    const summary = await this.access.summary(actor.userId);
    if (!summary) throw new HttpProblem(401, 'unauthenticated');
    return summary;
  }

  @RequirePermission('admins.manage')
  @Get('admins')
  async list() {
    return { items: await this.admins.list() };
  }

  @RequirePermission('admins.manage')
  @Put('admins/:userId')
  async setAreas(
    @CurrentAdmin() actor: AdminActor,
    @Param(userIdPipe) params: { userId: string },
    @Body(new ZodPipe(routes.adminSetAdminAreas.body)) body: typeof routes.adminSetAdminAreas.body._zod.output,
  ) {
    return this.admins.setAreas(actor, params.userId, body.areas);
  }

  @RequirePermission('admins.manage')
  @Delete('admins/:userId')
  @HttpCode(204)
  async revoke(@CurrentAdmin() actor: AdminActor, @Param(userIdPipe) params: { userId: string }) {
    await this.admins.revoke(actor, params.userId);
  }

  @RequirePermission('audit.read')
  @Get('audit')
  async audit(@Query(new ZodPipe(routes.adminAudit.query, 'query')) query: typeof routes.adminAudit.query._zod.output) {
    return this.auditLog.page(query);
  }
}
