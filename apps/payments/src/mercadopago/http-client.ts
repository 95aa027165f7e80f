import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  MercadoPagoError,
  type MercadoPagoPort,
  type MpAuthorizedPayment,
  type MpPayment,
  type MpPreapproval,
  type MpPreference,
  type MpRefund,
  type PixPaymentInput,
  type PreapprovalInput,
  type PreferenceInput,
} from './port.js';

const toCents = (amount: number) => Math.round(amount * 100);
const toReais = (cents: number) => Math.round(cents) / 100;
const id = z.union([z.string(), z.number()]).transform(String);

const PaymentWire = z.object({
  id,
  status: z.string(),
  status_detail: z.string().nullish(),
  transaction_amount: z.number(),
  external_reference: z.string().nullish(),
  payment_method_id: z.string().nullish(),
  date_of_expiration: z.string().nullish(),
  date_approved: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  point_of_interaction: z.object({ transaction_data: z.object({ qr_code: z.string().nullish(), qr_code_base64: z.string().nullish() }).nullish() }).nullish(),
});
const PreapprovalWire = z.object({
  id,
  status: z.enum(['pending', 'authorized', 'paused', 'cancelled']),
  external_reference: z.string().nullish(),
  init_point: z.string().nullish(),
  auto_recurring: z.object({ transaction_amount: z.number() }),
});
const AuthorizedPaymentWire = z.object({
  id,
  preapproval_id: z.string(),
  status: z.string(),
  transaction_amount: z.number(),
  payment: z.object({ id, status: z.string(), status_detail: z.string().nullish() }).nullish(),
});
const PreferenceWire = z.object({ id: z.string(), init_point: z.string() });
const RefundWire = z.object({ id, payment_id: id, amount: z.number(), status: z.string() });

export type HttpMercadoPagoOptions = {
  readonly apiUrl: string;
  readonly accessToken: string;
  readonly timeoutMs?: number;
  /** Retries of 429/5xx/network failures, with the same idempotency key (as the official SDK does). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
};

/**
 * Mercado Pago's documented HTTP API through fetch. Each write gets its own fresh X-Idempotency-Key (reused only
 * by the retries of that one call), so a key never leaks to another request — the trap of the SDK's shared config.
 */
export class HttpMercadoPago implements MercadoPagoPort {
  constructor(private readonly options: HttpMercadoPagoOptions) {}

  async createPixPayment(input: PixPaymentInput): Promise<MpPayment> {
    const body = {
      transaction_amount: toReais(input.amountCents),
      payment_method_id: 'pix',
      description: input.description,
      external_reference: input.externalReference,
      notification_url: input.notificationUrl,
      date_of_expiration: input.expiresAt.toISOString(),
      payer: { email: input.payerEmail },
      metadata: input.metadata,
    };
    return toPayment(PaymentWire.parse(await this.request('POST', '/v1/payments', body)));
  }

  async getPayment(paymentId: string): Promise<MpPayment> {
    return toPayment(PaymentWire.parse(await this.request('GET', `/v1/payments/${encodeURIComponent(paymentId)}`)));
  }

  async createPreapproval(input: PreapprovalInput): Promise<MpPreapproval> {
    const body = {
      reason: input.reason,
      external_reference: input.externalReference,
      payer_email: input.payerEmail,
      back_url: input.backUrl,
      status: 'pending',
      auto_recurring: { frequency: input.period.every, frequency_type: input.period.unit, transaction_amount: toReais(input.amountCents), currency_id: 'BRL' },
    };
    return toPreapproval(PreapprovalWire.parse(await this.request('POST', '/preapproval', body)));
  }

  async getPreapproval(preapprovalId: string): Promise<MpPreapproval> {
    return toPreapproval(PreapprovalWire.parse(await this.request('GET', `/preapproval/${encodeURIComponent(preapprovalId)}`)));
  }

  async updatePreapproval(preapprovalId: string, patch: { status?: 'paused' | 'cancelled' | 'authorized'; amountCents?: number }): Promise<MpPreapproval> {
    const body = {
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.amountCents !== undefined ? { auto_recurring: { transaction_amount: toReais(patch.amountCents), currency_id: 'BRL' } } : {}),
    };
    return toPreapproval(PreapprovalWire.parse(await this.request('PUT', `/preapproval/${encodeURIComponent(preapprovalId)}`, body)));
  }

  async getAuthorizedPayment(authorizedPaymentId: string): Promise<MpAuthorizedPayment> {
    const wire = AuthorizedPaymentWire.parse(await this.request('GET', `/authorized_payments/${encodeURIComponent(authorizedPaymentId)}`));
    return {
      id: wire.id,
      preapprovalId: wire.preapproval_id,
      status: wire.status,
      amountCents: toCents(wire.transaction_amount),
      payment: wire.payment ? { id: wire.payment.id, status: wire.payment.status, statusDetail: wire.payment.status_detail ?? null } : null,
    };
  }

  async createPreference(input: PreferenceInput): Promise<MpPreference> {
    const body = {
      items: [{ id: input.externalReference, title: input.title, quantity: 1, unit_price: toReais(input.amountCents), currency_id: 'BRL' }],
      external_reference: input.externalReference,
      notification_url: input.notificationUrl,
      back_urls: { success: input.backUrl, pending: input.backUrl, failure: input.backUrl },
      auto_return: 'approved',
      payment_methods: { excluded_payment_types: [{ id: 'ticket' }] },
      metadata: input.metadata,
      expires: true,
      expiration_date_from: input.now.toISOString(),
      expiration_date_to: input.expiresAt.toISOString(),
    };
    const wire = PreferenceWire.parse(await this.request('POST', '/checkout/preferences', body));
    return { id: wire.id, initPoint: wire.init_point };
  }

  async refundPayment(paymentId: string, idempotencyKey: string): Promise<MpRefund> {
    // An empty body refunds the whole amount.
    const wire = RefundWire.parse(await this.request('POST', `/v1/payments/${encodeURIComponent(paymentId)}/refunds`, {}, idempotencyKey));
    return { id: wire.id, paymentId: wire.payment_id, amountCents: toCents(wire.amount), status: wire.status };
  }

  private async request(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, key?: string): Promise<unknown> {
    const idempotencyKey = method === 'GET' ? undefined : (key ?? randomUUID());
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.options.apiUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.accessToken}`,
            accept: 'application/json',
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(idempotencyKey ? { 'x-idempotency-key': idempotencyKey } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
        });
      } catch (error) {
        if (attempt < retries) {
          await this.pause(attempt);
          continue;
        }
        throw new MercadoPagoError(0, `Mercado Pago unreachable: ${(error as Error).message}`);
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < retries) {
        await response.body?.cancel();
        await this.pause(attempt, Number(response.headers.get('retry-after')) || undefined);
        continue;
      }
      const text = await response.text();
      const json = text ? safeJson(text) : null;
      if (!response.ok) {
        const message = (json as { message?: string } | null)?.message ?? text.slice(0, 200);
        throw new MercadoPagoError(response.status, `Mercado Pago ${method} ${path.split('/').slice(0, 3).join('/')} answered ${response.status}: ${message}`);
      }
      return json;
    }
  }

  private pause(attempt: number, retryAfterSeconds?: number): Promise<void> {
    const base = this.options.retryDelayMs ?? 500;
    const ms = retryAfterSeconds ? retryAfterSeconds * 1000 : Math.min(base * 2 ** attempt, 10_000) * (0.5 + Math.random() / 2);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function toPayment(wire: z.infer<typeof PaymentWire>): MpPayment {
  const data = wire.point_of_interaction?.transaction_data;
  const preapproval = wire.metadata?.preapproval_id;
  return {
    id: wire.id,
    status: wire.status,
    statusDetail: wire.status_detail ?? null,
    amountCents: toCents(wire.transaction_amount),
    externalReference: wire.external_reference ?? null,
    paymentMethodId: wire.payment_method_id ?? null,
    preapprovalId: typeof preapproval === 'string' ? preapproval : null,
    pix: data?.qr_code && data.qr_code_base64 ? { qrCode: data.qr_code, qrCodeBase64: data.qr_code_base64 } : null,
    expiresAt: wire.date_of_expiration ?? null,
    approvedAt: wire.date_approved ?? null,
  };
}

function toPreapproval(wire: z.infer<typeof PreapprovalWire>): MpPreapproval {
  return {
    id: wire.id,
    status: wire.status,
    externalReference: wire.external_reference ?? null,
    amountCents: toCents(wire.auto_recurring.transaction_amount),
    initPoint: wire.init_point ?? null,
  };
}
