import { Controller, Get, Inject } from '@nestjs/common';
import type { PlanDto } from '@zapdeploy/contracts';
import { PlanRepository } from '@zapdeploy/db';
import { Public } from '../auth/public.decorator.js';

@Controller('api/v1/plans')
export class PlansController {
  constructor(@Inject(PlanRepository) private readonly plans: PlanRepository) {}

  @Get()
  @Public()
  list(): Promise<PlanDto[]> {
    return this.plans.listActive();
  }
}
