import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import { ZodPipe } from '../http/zod-pipe.js';
import { type AdminActor, CurrentAdmin } from './admin-actor.js';
import { ClusterService } from './cluster.service.js';
import { RequirePermission } from './require-permission.decorator.js';

/** Operators' actions on any instance (not owner-scoped). */
@Controller('api/v1/admin/instances')
export class AdminInstancesController {
  constructor(@Inject(ClusterService) private readonly clusters: ClusterService) {}

  /** Records where the instance should run; the workers stop it, copy its session data and start it there. */
  @RequirePermission('instances.write')
  @Post(':id/move')
  @HttpCode(202)
  async move(
    @CurrentAdmin() actor: AdminActor,
    @Param(new ZodPipe(routes.adminMoveInstance.params, 'params')) params: { id: string },
    @Body(new ZodPipe(routes.adminMoveInstance.body)) body: typeof routes.adminMoveInstance.body._zod.output,
  ) {
    return { instance: await this.clusters.move(actor, params.id, body.clusterId) };
  }
}
