import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { type CheckoutRequest, type PaymentListDto, routes, toCheckoutDto } from '@zapdeploy/contracts';
import { type BillingRepository, InstanceRepository, PlanRepository, UserRepository } from '@zapdeploy/db';
import { assertPlanOpen, DomainError, notFound } from '@zapdeploy/domain';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { BILLING, PAYMENTS } from '../auth/tokens.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { toBillingDto, toPaymentDto } from './billing.mapper.js';
import type { PaymentsClient } from './payments-client.js';

/** Paying for an instance's plan, its payment history, and Mercado Pago's notifications (passed to the payments service). */
@Controller()
export class BillingController {
  constructor(
    @Inject(InstanceRepository) private readonly instances: InstanceRepository,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(BILLING) private readonly billing: BillingRepository,
    @Inject(PAYMENTS) private readonly payments: PaymentsClient,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  @Post('api/v1/instances/:id/checkout')
  @HttpCode(201)
  async checkout(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(routes.checkout.params, 'params')) params: { id: string },
    @Body(new ZodPipe(routes.checkout.body, 'body')) body: CheckoutRequest,
  ) {
    const instance = await this.instances.findOwned(principal.userId, params.id);
    if (!instance) throw notFound('instance');
    if (principal.isGuest) throw new DomainError('forbidden', 'guest_must_sign_up');
    if (instance.desiredState === 'deleted') throw new DomainError('conflict', 'instance_deleted');
    // Renewing the plan an instance is on goes on after it is archived; paying to move onto an archived plan does not.
    if (body.planId !== instance.planId) {
      const target = await this.plans.findById(body.planId);
      if (target) assertPlanOpen(target);
    }
    const user = await this.users.findById(principal.userId);
    if (!user) throw notFound('user');
    return this.payments.checkout({
      instanceId: instance.id,
      instanceName: instance.name,
      ownerId: principal.userId,
      payerEmail: user.email,
      planId: body.planId,
      method: body.method,
    });
  }

  @Get('api/v1/instances/:id/payments')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(routes.listPayments.params, 'params')) params: { id: string },
  ): Promise<PaymentListDto> {
    if (!(await this.instances.findOwned(principal.userId, params.id))) throw notFound('instance');
    const [billing, pending, items] = await Promise.all([
      this.billing.find(params.id),
      this.billing.pendingCheckout(params.id, new Date()),
      this.billing.listPayments(params.id),
    ]);
    return { billing: billing ? toBillingDto(billing) : null, pendingCheckout: pending ? toCheckoutDto(pending) : null, items: items.map(toPaymentDto) };
  }

  @Post('api/webhooks/mercadopago')
  @Public()
  async mercadopago(@Req() request: Request, @Res() response: Response) {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const query = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?')) : '';
    const headers = Object.fromEntries(['content-type', 'x-signature', 'x-request-id'].map((name) => [name, request.header(name)]));
    const result = await this.payments.forwardNotification({ query, body: raw, headers });
    response.status(result.status).json(result.body);
  }
}
