import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, UseInterceptors } from '@nestjs/common';
import { AdminUserListQuerySchema, IdParamSchema, SuspendUserSchema, UpdateUserSchema } from '@zapdeploy/contracts';
import type { z } from 'zod';
import { LocalizeStatusInterceptor } from '../../http/localize.interceptor.js';
import { ZodPipe } from '../../http/zod-pipe.js';
import { type AdminActor, CurrentAdmin } from '../admin-actor.js';
import { RequirePermission } from '../require-permission.decorator.js';
import { UserAdminService } from './user-admin.service.js';

const idPipe = new ZodPipe(IdParamSchema, 'params');

/** Operators' view of users: search, detail, suspension, a cap on instances. */
@Controller('api/v1/admin/users')
@UseInterceptors(LocalizeStatusInterceptor)
export class AdminUsersController {
  constructor(@Inject(UserAdminService) private readonly service: UserAdminService) {}

  @RequirePermission('users.read')
  @Get()
  list(@Query(new ZodPipe(AdminUserListQuerySchema, 'query')) query: z.output<typeof AdminUserListQuerySchema>) {
    return this.service.list({ ...(query.q ? { q: query.q } : {}), ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit });
  }

  @RequirePermission('users.read')
  @Get(':id')
  get(@Param(idPipe) params: { id: string }) {
    return this.service.detail(params.id);
  }

  @RequirePermission('users.suspend')
  @Patch(':id')
  update(
    @CurrentAdmin() actor: AdminActor,
    @Param(idPipe) params: { id: string },
    @Body(new ZodPipe(UpdateUserSchema)) body: z.output<typeof UpdateUserSchema>,
  ) {
    return this.service.setMaxInstances(actor, params.id, body.maxInstances);
  }

  @RequirePermission('users.suspend')
  @Post(':id/suspend')
  @HttpCode(200)
  suspend(
    @CurrentAdmin() actor: AdminActor,
    @Param(idPipe) params: { id: string },
    @Body(new ZodPipe(SuspendUserSchema)) body: z.output<typeof SuspendUserSchema>,
  ) {
    return this.service.suspend(actor, params.id, body.reason);
  }

  @RequirePermission('users.suspend')
  @Post(':id/unsuspend')
  @HttpCode(200)
  unsuspend(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    return this.service.unsuspend(actor, params.id);
  }
}
