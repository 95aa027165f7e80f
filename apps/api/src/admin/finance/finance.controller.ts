import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { type CostLineDto, routes } from '@zapdeploy/contracts';
import type { CostLineRecord } from '@zapdeploy/db';
import type { Response } from 'express';
import { ZodPipe } from '../../http/zod-pipe.js';
import { type AdminActor, CurrentAdmin } from '../admin-actor.js';
import { RequirePermission } from '../require-permission.decorator.js';
import { FinanceService, financeCsv } from './finance.service.js';

/** A month's revenue, costs and margin; the CSV of a range of months; the cost lines operators enter. */
@Controller('api/v1/admin')
export class FinanceController {
  constructor(@Inject(FinanceService) private readonly service: FinanceService) {}

  @RequirePermission('finance.read')
  @Get('finance')
  month(@Query(new ZodPipe(routes.adminFinance.query, 'query')) query: { month: string }) {
    return this.service.month(query.month);
  }

  @RequirePermission('finance.read')
  @Get('finance.csv')
  async csv(@Query(new ZodPipe(routes.adminFinanceCsv.query, 'query')) query: { from: string; to: string }, @Res() response: Response) {
    const body = financeCsv(await this.service.months(query.from, query.to));
    response
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('content-disposition', `attachment; filename="zapdeploy-finance-${query.from}-${query.to}.csv"`)
      .send(body);
  }

  @RequirePermission('finance.read')
  @Get('finance/cost-lines')
  async costLines(@Query(new ZodPipe(routes.adminListCostLines.query, 'query')) query: { month: string }) {
    return { items: (await this.service.listCostLines(query.month)).map(toCostLineDto) };
  }

  @RequirePermission('finance.read')
  @Post('finance/cost-lines')
  async addCostLine(
    @CurrentAdmin() actor: AdminActor,
    @Body(new ZodPipe(routes.adminCreateCostLine.body)) body: typeof routes.adminCreateCostLine.body._zod.output,
  ) {
    return toCostLineDto(await this.service.addCostLine(actor, body));
  }

  @RequirePermission('finance.read')
  @Delete('finance/cost-lines/:id')
  @HttpCode(204)
  async removeCostLine(@CurrentAdmin() actor: AdminActor, @Param(new ZodPipe(routes.adminDeleteCostLine.params, 'params')) params: { id: string }) {
    await this.service.removeCostLine(actor, params.id);
  }
}

function toCostLineDto(line: CostLineRecord): CostLineDto {
  return { id: line.id, month: line.month, label: line.label, amountCents: line.amountCents, createdAt: line.createdAt.toISOString() };
}
