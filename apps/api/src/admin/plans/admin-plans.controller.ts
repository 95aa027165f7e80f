import { Body, Controller, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { type AdminPlanDto, routes } from '@zapdeploy/contracts';
import type { AdminPlanRecord } from '@zapdeploy/db';
import { ZodPipe } from '../../http/zod-pipe.js';
import { type AdminActor, CurrentAdmin } from '../admin-actor.js';
import { RequirePermission } from '../require-permission.decorator.js';
import { AdminPlanService } from './admin-plan.service.js';

/** When a plan's changes reach instances: said in every PATCH answer. */
const APPLIES_FROM = { price: 'next_period', limits: 'next_restart' } as const;

/** The operators' plans (never deleted: there is no DELETE, which answers 404 route_not_found… as any unknown route). */
@Controller('api/v1/admin/plans')
export class AdminPlansController {
  constructor(@Inject(AdminPlanService) private readonly service: AdminPlanService) {}

  @RequirePermission('plans.read')
  @Get()
  async list() {
    return { items: (await this.service.list()).map(toAdminPlanDto) };
  }

  @RequirePermission('plans.write')
  @Post()
  async create(@CurrentAdmin() actor: AdminActor, @Body(new ZodPipe(routes.adminCreatePlan.body)) body: typeof routes.adminCreatePlan.body._zod.output) {
    return toAdminPlanDto(await this.service.create(actor, body));
  }

  @RequirePermission('plans.write')
  @Patch(':id')
  async update(
    @CurrentAdmin() actor: AdminActor,
    @Param(new ZodPipe(routes.adminUpdatePlan.params, 'params')) params: { id: string },
    @Body(new ZodPipe(routes.adminUpdatePlan.body)) body: typeof routes.adminUpdatePlan.body._zod.output,
  ) {
    return { ...toAdminPlanDto(await this.service.update(actor, params.id, body)), appliesFrom: APPLIES_FROM };
  }
}

export function toAdminPlanDto(plan: AdminPlanRecord): AdminPlanDto {
  return {
    id: plan.id,
    slug: plan.slug,
    name: plan.name,
    tier: plan.tier,
    priceCents: plan.priceCents,
    cpuMillis: plan.cpuMillis,
    memoryMb: plan.memoryMb,
    diskMb: plan.diskMb,
    archived: plan.archived,
    sortOrder: plan.sortOrder,
    activeInstances: plan.activeInstances,
    mrrCents: plan.mrrCents,
  };
}
