import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { RequiredScope } from '../auth/scope.decorator.js';
import { LocalizeStatusInterceptor } from '../http/localize.interceptor.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { InstanceService } from './instance.service.js';

const idPipe = new ZodPipe(routes.getInstance.params, 'params');
const actionPipe = new ZodPipe(routes.getInstance.params.extend({ action: z.enum(['pause', 'resume', 'redeploy', 'restart']) }), 'params');

@Controller('api/v1/instances')
@UseInterceptors(LocalizeStatusInterceptor)
export class InstancesController {
  constructor(@Inject(InstanceService) private readonly service: InstanceService) {}

  @RequiredScope('deploy')
  @Post()
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(routes.createInstance.body)) body: typeof routes.createInstance.body._zod.output,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const headers = new ZodPipe(routes.createInstance.headers, 'headers').transform(request.headers);
    const created = await this.service.create(principal, body, headers['idempotency-key']);
    response.status(created.status);
    return created.body;
  }

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(routes.listInstances.query, 'query')) query: typeof routes.listInstances.query._zod.output,
  ) {
    return this.service.list(principal, query);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param(idPipe) params: { id: string }) {
    return this.service.get(principal, params.id);
  }

  @RequiredScope('deploy')
  @Patch(':id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param(idPipe) params: { id: string },
    @Body(new ZodPipe(routes.updateInstance.body)) body: typeof routes.updateInstance.body._zod.output,
  ) {
    return this.service.update(principal, params.id, body);
  }

  @Delete(':id')
  @HttpCode(202)
  async remove(@CurrentPrincipal() principal: Principal, @Param(idPipe) params: { id: string }) {
    return { instance: await this.service.act(principal, params.id, 'delete') };
  }

  /** pause | resume | redeploy | restart */
  @RequiredScope('deploy')
  @Post(':id/:action')
  @HttpCode(202)
  async act(@CurrentPrincipal() principal: Principal, @Param(actionPipe) params: { id: string; action: 'pause' | 'resume' | 'redeploy' | 'restart' }) {
    return { instance: await this.service.act(principal, params.id, params.action) };
  }

  /** The instance's environment variables with their values (for the owner's editor; never logged). */
  @RequiredScope('full')
  @Get(':id/env')
  env(@CurrentPrincipal() principal: Principal, @Param(idPipe) params: { id: string }) {
    return this.service.env(principal, params.id);
  }

  @Get(':id/deployments')
  deployments(@CurrentPrincipal() principal: Principal, @Param(idPipe) params: { id: string }) {
    return this.service.deployments(principal, params.id);
  }
}
