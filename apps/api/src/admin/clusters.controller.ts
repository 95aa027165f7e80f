import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import type { Request } from 'express';
import { negotiateLocale } from '../http/messages.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { type AdminActor, CurrentAdmin } from './admin-actor.js';
import { toClusterDto } from './cluster.mapper.js';
import { ClusterService } from './cluster.service.js';
import { RequirePermission } from './require-permission.decorator.js';

const idPipe = new ZodPipe(routes.adminGetCluster.params, 'params');
const localeOf = (request: Request) => negotiateLocale(request.headers['accept-language']);

/** The operators' clusters: list, add (credentials checked by connecting), change, cordon, drain, remove. */
@Controller('api/v1/admin/clusters')
export class ClustersController {
  constructor(@Inject(ClusterService) private readonly service: ClusterService) {}

  @RequirePermission('clusters.read')
  @Get()
  async list(@Req() request: Request) {
    const locale = localeOf(request);
    return { items: (await this.service.list()).map((cluster) => toClusterDto(cluster, locale)) };
  }

  @RequirePermission('clusters.write')
  @Post()
  async create(
    @CurrentAdmin() actor: AdminActor,
    @Body(new ZodPipe(routes.adminCreateCluster.body)) body: typeof routes.adminCreateCluster.body._zod.output,
    @Req() request: Request,
  ) {
    return toClusterDto(await this.service.create(actor, body), localeOf(request));
  }

  @RequirePermission('clusters.read')
  @Get(':id')
  async get(@Param(idPipe) params: { id: string }, @Req() request: Request) {
    return toClusterDto(await this.service.get(params.id), localeOf(request));
  }

  @RequirePermission('clusters.write')
  @Patch(':id')
  async update(
    @CurrentAdmin() actor: AdminActor,
    @Param(idPipe) params: { id: string },
    @Body(new ZodPipe(routes.adminUpdateCluster.body)) body: typeof routes.adminUpdateCluster.body._zod.output,
    @Req() request: Request,
  ) {
    const { cluster, drain } = await this.service.update(actor, params.id, body);
    return { ...toClusterDto(cluster, localeOf(request)), ...(drain ? { drain } : {}) };
  }

  @RequirePermission('clusters.write')
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    await this.service.remove(actor, params.id);
  }
}
