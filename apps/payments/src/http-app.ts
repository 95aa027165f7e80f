import { timingSafeEqual } from 'node:crypto';
import { CheckoutRequestSchema } from '@zapdeploy/contracts';
import type { BillingRepository } from '@zapdeploy/db';
import { DomainError, type ErrorKind } from '@zapdeploy/domain';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { CheckoutService } from './checkout-service.js';
import type { MercadoPagoConfig } from './config.js';
import { MercadoPagoError } from './mercadopago/port.js';
import { verifyMercadoPagoSignature } from './mercadopago/signature.js';
import { type Logger, NotificationProcessor } from './notifications.js';
import type { Subscriptions } from './subscriptions.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit: 429,
  payment_required: 402,
  unavailable: 503,
};

const InternalCheckoutSchema = CheckoutRequestSchema.extend({
  instanceId: z.string().min(1),
  instanceName: z.string().min(1),
  ownerId: z.string().min(1),
  payerEmail: z.email(),
});
const PlanChangeSchema = z.object({ instanceId: z.string().min(1), planId: z.string().min(1) });
const PlanPriceSchema = z.object({ planId: z.string().min(1) });
const NotificationBodySchema = z
  .object({ type: z.string().optional(), topic: z.string().optional(), data: z.object({ id: z.union([z.string(), z.number()]) }).optional() })
  .loose();

export type PaymentsAppDeps = {
  readonly checkouts: CheckoutService;
  /** Absent when Mercado Pago is not configured (then there are no subscriptions to re-price). */
  readonly subscriptions: Subscriptions | undefined;
  readonly billing: BillingRepository;
  readonly processor: NotificationProcessor | undefined;
  readonly mercadopago: MercadoPagoConfig | undefined;
  /** What the API presents on /internal routes (derived from ZAPDEPLOY_SECRET). */
  readonly internalToken: string;
  readonly toleranceSeconds: number;
  /** Least time between two fetches of one resource caused by unsigned (IPN) notifications. */
  readonly unsignedCooldownMs: number;
  readonly logger: Logger;
};

/**
 * The payments service's HTTP face: Mercado Pago's notifications (public, proxied by the API) and the
 * internal routes the API calls. Errors are `{ kind, code, params }`, turned into problem+json by the API.
 */
export function createPaymentsApp(deps: PaymentsAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/health', (_request, response) => {
    response.json({ status: 'ok', mercadopago: !!deps.mercadopago });
  });

  app.post('/api/webhooks/mercadopago', async (request, response) => {
    const mp = deps.mercadopago;
    if (!mp || !deps.processor) throw new DomainError('unavailable', 'payments_not_configured');
    const query = request.query as Record<string, string | undefined>;
    const body = NotificationBodySchema.safeParse(request.body ?? {});
    const parsed = body.success ? body.data : {};
    const ipn = !!query.topic && !!query.id && !query['data.id'];
    const topic = (ipn ? query.topic : (query.type ?? parsed.type ?? parsed.topic)) ?? '';
    const dataId = String((ipn ? query.id : (query['data.id'] ?? parsed.data?.id)) ?? '');
    if (!topic || !dataId || !/^[A-Za-z0-9_-]{1,64}$/.test(dataId)) throw new DomainError('invalid', 'notification_malformed');
    const requestId = header(request, 'x-request-id');
    if (!ipn) {
      // Webhooks are signed; IPN cannot be. Neither is trusted: the resource is always fetched by id.
      const check = verifyMercadoPagoSignature({
        xSignature: header(request, 'x-signature'),
        xRequestId: requestId,
        dataId: query['data.id'] ?? dataId,
        secret: mp.webhookSecret,
        toleranceSeconds: deps.toleranceSeconds,
        nowMs: Date.now(),
      });
      if (!check.ok) {
        deps.logger.error(`mercadopago webhook refused: signature ${check.reason}`);
        throw new DomainError('unauthenticated', 'webhook_signature_invalid', { reason: check.reason });
      }
    }
    if (!NotificationProcessor.wants(topic)) {
      response.json({ ignored: topic });
      return;
    }
    if (ipn) {
      // Unsigned: anyone can send it. Repeats of one resource share a waiting notification and one fetch per cooldown.
      if (await deps.billing.storeUnsignedNotification(topic, dataId, deps.unsignedCooldownMs)) deps.processor.nudge();
      response.json({ received: true });
      return;
    }
    await deps.billing.storeNotification(topic, dataId, requestId ?? null);
    deps.processor.nudge();
    response.json({ received: true });
  });

  const internal = express.Router();
  internal.use((request, _response, next) => {
    const given = Buffer.from((header(request, 'authorization') ?? '').replace(/^Bearer /, ''));
    const expected = Buffer.from(deps.internalToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError('unauthenticated', 'unauthenticated');
    next();
  });
  internal.post('/checkouts', async (request, response) => {
    const input = InternalCheckoutSchema.parse(request.body);
    response.status(201).json(await deps.checkouts.create(input));
  });
  internal.post('/plan-changes', async (request, response) => {
    const input = PlanChangeSchema.parse(request.body);
    response.json(await deps.checkouts.changePlan(input.instanceId, input.planId));
  });
  internal.post('/plan-prices', async (request, response) => {
    const input = PlanPriceSchema.parse(request.body);
    try {
      response.json({ repriced: (await deps.subscriptions?.repricePlan(input.planId)) ?? 0 });
    } catch (error) {
      if (error instanceof MercadoPagoError) throw new DomainError('unavailable', 'payment_provider_error', { status: error.status });
      throw error;
    }
  });
  app.use('/internal', internal);

  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof DomainError) {
      response.status(STATUS[error.kind]).json({ kind: error.kind, code: error.code, params: error.params });
      return;
    }
    if (error instanceof z.ZodError) {
      response.status(422).json({ kind: 'invalid', code: 'validation_failed', params: {} });
      return;
    }
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      response.status(400).json({ kind: 'invalid', code: 'malformed_json', params: {} });
      return;
    }
    deps.logger.error(`payments: ${error instanceof Error ? error.message : String(error)}`);
    response.status(500).json({ kind: 'unavailable', code: 'internal_error', params: {} });
  });
  return app;
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
