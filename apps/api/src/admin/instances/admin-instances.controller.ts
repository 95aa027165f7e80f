import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { AdminInstanceListQuerySchema, CourtesySchema, IdParamSchema, LogQuerySchema, routes } from '@zapdeploy/contracts';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { LOG_STORE } from '../../auth/tokens.js';
import { LocalizeStatusInterceptor } from '../../http/localize.interceptor.js';
import { ZodPipe } from '../../http/zod-pipe.js';
import { type LogQuery, type LogServing, serveLog } from '../../logs/log-serving.js';
import { StreamLimiter } from '../../logs/stream-limiter.js';
import { type AdminActor, CurrentAdmin } from '../admin-actor.js';
import { ClusterService } from '../cluster.service.js';
import { RequirePermission } from '../require-permission.decorator.js';
import { AdminInstanceService } from './admin-instance.service.js';

const idPipe = new ZodPipe(IdParamSchema, 'params');

/** Operators' view of and actions on any instance (not owner-scoped): list, detail, logs, lifecycle, courtesy, move. */
@Controller('api/v1/admin/instances')
@UseInterceptors(LocalizeStatusInterceptor)
export class AdminInstancesController {
  private readonly serving: LogServing;

  constructor(
    @Inject(ClusterService) private readonly clusters: ClusterService,
    @Inject(AdminInstanceService) private readonly service: AdminInstanceService,
    @Inject(LOG_STORE) store: LogStore,
    @Inject(StreamLimiter) limiter: StreamLimiter,
  ) {
    this.serving = { store, limiter };
  }

  @RequirePermission('instances.read')
  @Get()
  list(@Query(new ZodPipe(AdminInstanceListQuerySchema, 'query')) query: z.output<typeof AdminInstanceListQuerySchema>) {
    const { cursor, limit, ...filters } = query;
    return this.service.list(filters, { ...(cursor ? { cursor } : {}), limit });
  }

  @RequirePermission('instances.read')
  @Get(':id')
  get(@Param(idPipe) params: { id: string }) {
    return this.service.detail(params.id);
  }

  /** The instance's output as its owner sees it; live with `follow=1` (counted against the operator's streams). */
  @RequirePermission('instances.read')
  @Get(':id/logs')
  async logs(
    @CurrentAdmin() actor: AdminActor,
    @Param(idPipe) params: { id: string },
    @Query(new ZodPipe(LogQuerySchema, 'query')) query: LogQuery,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    await this.service.assertExists(params.id);
    await serveLog(this.serving, actor.userId, logKeys.instance(params.id), query, request, response);
  }

  @RequirePermission('instances.write')
  @Post(':id/pause')
  @HttpCode(202)
  async pause(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    return { instance: await this.service.act(actor, params.id, 'pause') };
  }

  @RequirePermission('instances.write')
  @Post(':id/resume')
  @HttpCode(202)
  async resume(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    return { instance: await this.service.act(actor, params.id, 'resume') };
  }

  @RequirePermission('instances.write')
  @Post(':id/restart')
  @HttpCode(202)
  async restart(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    return { instance: await this.service.act(actor, params.id, 'restart') };
  }

  @RequirePermission('instances.write')
  @Post(':id/redeploy')
  @HttpCode(202)
  async redeploy(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    return { instance: await this.service.act(actor, params.id, 'redeploy') };
  }

  @RequirePermission('instances.write')
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }) {
    await this.service.act(actor, params.id, 'delete');
  }

  /** Grants a plan without payment until a date, with a reason (audited). */
  @RequirePermission('instances.write')
  @Post(':id/courtesy')
  @HttpCode(200)
  courtesy(@CurrentAdmin() actor: AdminActor, @Param(idPipe) params: { id: string }, @Body(new ZodPipe(CourtesySchema)) body: z.output<typeof CourtesySchema>) {
    return this.service.courtesy(actor, params.id, body);
  }

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
