import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';

export type MpPaymentStatus = 'pending' | 'approved' | 'authorized' | 'in_process' | 'rejected' | 'cancelled' | 'refunded' | 'charged_back';
export type MpPayment = {
  id: number;
  status: MpPaymentStatus;
  status_detail: string;
  transaction_amount: number;
  currency_id: 'BRL';
  payment_method_id: string;
  payment_type_id: string;
  external_reference: string | null;
  description: string | null;
  date_created: string;
  date_approved: string | null;
  date_of_expiration: string | null;
  notification_url: string | null;
  payer: { email: string };
  metadata: Record<string, unknown>;
  point_of_interaction?: { type: string; transaction_data: { qr_code: string; qr_code_base64: string; ticket_url: string } };
  transaction_amount_refunded: number;
  refunds: MpRefund[];
};
export type MpRefund = {
  id: number;
  payment_id: number;
  amount: number;
  metadata: Record<string, unknown>;
  source: { id: string; name: string; type: 'collector' };
  date_created: string;
  unique_sequence_number: string | null;
  refund_mode: 'standard';
  adjustment_amount: number;
  status: 'approved';
  reason: string | null;
  amount_refunded_to_payer: number;
};
export type MpPreapproval = {
  id: string;
  status: 'pending' | 'authorized' | 'paused' | 'cancelled';
  reason: string;
  external_reference: string;
  payer_email: string;
  back_url: string;
  init_point: string;
  date_created: string;
  last_modified: string;
  next_payment_date: string | null;
  auto_recurring: {
    frequency: number;
    frequency_type: 'days' | 'months';
    transaction_amount: number;
    currency_id: 'BRL';
    start_date?: string;
    end_date?: string;
  };
};
export type MpAuthorizedPayment = {
  id: number;
  preapproval_id: string;
  type: 'recurring';
  status: 'scheduled' | 'processed' | 'recycling' | 'cancelled';
  transaction_amount: number;
  currency_id: 'BRL';
  external_reference: string;
  debit_date: string;
  date_created: string;
  last_modified: string;
  payment: { id: number; status: MpPaymentStatus; status_detail: string };
};
export type MpPreference = {
  id: string;
  init_point: string;
  items: { title: string; quantity: number; unit_price: number; currency_id: string }[];
  external_reference: string | null;
  notification_url: string | null;
  back_urls: Record<string, string>;
  metadata: Record<string, unknown>;
  /** When `expires` is true, the page can be paid only between `expiration_date_from` and `expiration_date_to`. */
  expires: boolean;
  expiration_date_from: string | null;
  expiration_date_to: string | null;
};
export type RecordedRequest = { method: string; path: string; idempotencyKey: string | undefined; authorization: string | undefined; body: unknown };
export type NotifyOptions = {
  topic: 'payment' | 'subscription_preapproval' | 'subscription_authorized_payment';
  dataId: string;
  action?: string;
  requestId?: string;
  /** Seconds; now by default. */
  ts?: number;
  /** Another key, to forge. */
  secret?: string;
  omitSignature?: boolean;
  /** The legacy IPN shape: POST ?topic=…&id=… with no body and no signature. */
  ipn?: boolean;
};

type Json = Record<string, unknown>;
type Cause = { code: number | string; description: string };
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly causes: Cause[] = [],
  ) {
    super(message);
  }
}

/** A 400 the way Mercado Pago words validation failures: a message plus one `cause` per broken field. */
const badRequest = (message: string, code: number | string = message) => new HttpError(400, 'bad_request', message, [{ code, description: message }]);

/**
 * A local stand-in for Mercado Pago's REST API as documented: /v1/payments (Pix, X-Idempotency-Key required,
 * replays answered with the first result), /preapproval, /authorized_payments, /checkout/preferences, Bearer
 * authentication; and signed notifications (`x-signature: ts=…,v1=HMAC(id:…;request-id:…;ts:…;)`).
 * Test code drives what buyers and Mercado Pago would do (pay, authorize, charge, refund).
 */
export class MercadoPagoStandIn {
  readonly accessToken: string;
  readonly webhookSecret: string;
  readonly payments = new Map<number, MpPayment>();
  readonly preapprovals = new Map<string, MpPreapproval>();
  readonly authorizedPayments = new Map<number, MpAuthorizedPayment>();
  readonly preferences = new Map<string, MpPreference>();
  readonly requests: RecordedRequest[] = [];
  url = '';
  /** Writes by idempotency key: the body first sent and the (possibly still running) first answer, which replays share. */
  private readonly replays = new Map<string, { body: string; result: Promise<[number, unknown]> }>();
  private readonly failures: { method: string; prefix: string; status: number; left: number }[] = [];
  private nextPaymentId = 100_000_000_001;
  private nextAuthorizedId = 7_000_000_001;
  private nextRefundId = 2_000_000_001;
  private server: http.Server | undefined;
  /** Mercado Pago's time (tests that move their platform's clock move this one with it). */
  private readonly clock: () => Date;

  constructor(options: StandInOptions = {}) {
    this.accessToken = options.accessToken ?? 'APP_USR-standin-token';
    this.webhookSecret = options.webhookSecret ?? randomBytes(24).toString('hex');
    this.clock = options.clock ?? (() => new Date());
  }

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, problem(500, 'internal_error', String(error)));
        else response.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * What happens to a payment at Mercado Pago (the buyer pays, a review ends, a refund…). A Pix code cannot be
   * paid after its `date_of_expiration`: Mercado Pago cancels it instead.
   */
  setPaymentStatus(id: number, status: MpPaymentStatus, statusDetail?: string): MpPayment {
    const payment = this.payment(id);
    const now = this.clock();
    if (status === 'approved' && payment.payment_method_id === 'pix' && payment.date_of_expiration && Date.parse(payment.date_of_expiration) < now.getTime()) {
      throw new Error(`Pix ${id} expired at ${payment.date_of_expiration}: it can no longer be paid`);
    }
    payment.status = status;
    payment.status_detail = statusDetail ?? DETAILS[status];
    if (status === 'approved' && !payment.date_approved) payment.date_approved = now.toISOString();
    return payment;
  }

  tamperPayment(id: number, patch: Partial<Pick<MpPayment, 'transaction_amount' | 'external_reference'>>): void {
    Object.assign(this.payment(id), patch);
  }

  /** A buyer pays on a Checkout Pro page; an expired page (or one not yet open) takes no payment. */
  payPreference(preferenceId: string, status: MpPaymentStatus = 'approved'): MpPayment {
    const preference = this.preferences.get(preferenceId);
    if (!preference) throw new Error(`no preference ${preferenceId}`);
    const now = this.clock().getTime();
    if (preference.expires) {
      if (preference.expiration_date_to && now > Date.parse(preference.expiration_date_to)) throw new Error(`preference ${preferenceId} expired`);
      if (preference.expiration_date_from && now < Date.parse(preference.expiration_date_from)) throw new Error(`preference ${preferenceId} not open yet`);
    }
    const amount = preference.items.reduce((sum, item) => sum + item.unit_price * item.quantity, 0);
    const payment = this.newPayment({
      transaction_amount: round(amount),
      payment_method_id: 'master',
      payment_type_id: 'credit_card',
      external_reference: preference.external_reference,
      metadata: preference.metadata,
      notification_url: preference.notification_url,
    });
    return this.setPaymentStatus(payment.id, status);
  }

  authorizePreapproval(id: string): MpPreapproval {
    const preapproval = this.preapproval(id);
    preapproval.status = 'authorized';
    preapproval.next_payment_date = this.clock().toISOString();
    preapproval.last_modified = this.clock().toISOString();
    return preapproval;
  }

  chargePreapproval(id: string, status: 'approved' | 'rejected' = 'approved'): { authorizedPayment: MpAuthorizedPayment; payment: MpPayment } {
    const preapproval = this.preapproval(id);
    const payment = this.newPayment({
      transaction_amount: preapproval.auto_recurring.transaction_amount,
      payment_method_id: 'master',
      payment_type_id: 'credit_card',
      external_reference: preapproval.external_reference,
      metadata: { preapproval_id: id },
      notification_url: null,
    });
    this.setPaymentStatus(payment.id, status);
    const now = this.clock().toISOString();
    const authorizedPayment: MpAuthorizedPayment = {
      id: this.nextAuthorizedId++,
      preapproval_id: id,
      type: 'recurring',
      status: status === 'approved' ? 'processed' : 'recycling',
      transaction_amount: payment.transaction_amount,
      currency_id: 'BRL',
      external_reference: preapproval.external_reference,
      debit_date: now,
      date_created: now,
      last_modified: now,
      payment: { id: payment.id, status: payment.status, status_detail: payment.status_detail },
    };
    this.authorizedPayments.set(authorizedPayment.id, authorizedPayment);
    if (status === 'approved') {
      const next = new Date(preapproval.next_payment_date ?? now);
      if (preapproval.auto_recurring.frequency_type === 'months') next.setUTCMonth(next.getUTCMonth() + preapproval.auto_recurring.frequency);
      else next.setUTCDate(next.getUTCDate() + preapproval.auto_recurring.frequency);
      preapproval.next_payment_date = next.toISOString();
    }
    return { authorizedPayment, payment };
  }

  setPreapprovalStatus(id: string, status: MpPreapproval['status']): MpPreapproval {
    const preapproval = this.preapproval(id);
    preapproval.status = status;
    preapproval.last_modified = this.clock().toISOString();
    return preapproval;
  }

  failNext(method: string, pathPrefix: string, status: number, n = 1): void {
    this.failures.push({ method: method.toUpperCase(), prefix: pathPrefix, status, left: n });
  }

  async notify(target: string, options: NotifyOptions): Promise<number> {
    if (options.ipn) {
      const url = `${target}${target.includes('?') ? '&' : '?'}topic=${encodeURIComponent(options.topic)}&id=${encodeURIComponent(options.dataId)}`;
      return (await fetch(url, { method: 'POST' })).status;
    }
    const url = `${target}${target.includes('?') ? '&' : '?'}data.id=${encodeURIComponent(options.dataId)}&type=${encodeURIComponent(options.topic)}`;
    const requestId = options.requestId ?? randomUUID();
    const ts = options.ts ?? Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', options.secret ?? this.webhookSecret)
      .update(`id:${options.dataId};request-id:${requestId};ts:${ts};`)
      .digest('hex');
    const body = {
      id: randomInt(1, 2 ** 40),
      live_mode: false,
      type: options.topic,
      date_created: new Date().toISOString(),
      user_id: 123456,
      api_version: 'v1',
      action: options.action ?? (options.topic === 'payment' ? 'payment.updated' : 'updated'),
      data: { id: options.dataId },
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
    if (!options.omitSignature) headers['x-signature'] = `ts=${ts},v1=${v1}`;
    return (await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })).status;
  }

  private payment(id: number): MpPayment {
    const payment = this.payments.get(id);
    if (!payment) throw new Error(`no payment ${id}`);
    return payment;
  }

  private preapproval(id: string): MpPreapproval {
    const preapproval = this.preapprovals.get(id);
    if (!preapproval) throw new Error(`no preapproval ${id}`);
    return preapproval;
  }

  private newPayment(
    input: Pick<MpPayment, 'transaction_amount' | 'payment_method_id' | 'payment_type_id' | 'external_reference' | 'metadata' | 'notification_url'> &
      Partial<MpPayment>,
  ): MpPayment {
    const payment: MpPayment = {
      id: this.nextPaymentId++,
      status: 'pending',
      status_detail: DETAILS.pending,
      currency_id: 'BRL',
      description: null,
      date_created: this.clock().toISOString(),
      date_approved: null,
      date_of_expiration: null,
      payer: { email: 'test@testuser.com' },
      transaction_amount_refunded: 0,
      refunds: [],
      ...input,
    };
    this.payments.set(payment.id, payment);
    return payment;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const method = (request.method ?? 'GET').toUpperCase();
    const idempotencyKey = header(request, 'x-idempotency-key');
    const authorization = header(request, 'authorization');
    let body: unknown = raw;
    let parsed = true;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      parsed = false;
    }
    this.requests.push({ method, path: url.pathname, idempotencyKey, authorization, body });
    const failure = this.failures.find((f) => f.left > 0 && f.method === method && url.pathname.startsWith(f.prefix));
    if (failure) {
      failure.left -= 1;
      return send(response, failure.status, problem(failure.status, FAILURE_ERRORS[failure.status] ?? 'internal_error', 'stand-in failure'));
    }
    if (authorization !== `Bearer ${this.accessToken}`) return send(response, 401, problem(401, 'unauthorized', 'invalid access token'));
    try {
      if (!parsed || typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Invalid JSON body', 'invalid_json');
      const replayKey = idempotencyKey && method !== 'GET' ? `${method} ${url.pathname} ${idempotencyKey}` : undefined;
      const canonical = JSON.stringify(body);
      const previous = replayKey ? this.replays.get(replayKey) : undefined;
      if (previous) {
        if (previous.body !== canonical) {
          throw new HttpError(409, 'idempotency_error', 'The X-Idempotency-Key was already used with a different request body');
        }
        const [status, result] = await previous.result;
        return send(response, status, result);
      }
      const result = this.route(method, url.pathname, body as Json, idempotencyKey);
      if (replayKey) {
        this.replays.set(replayKey, { body: canonical, result });
        // A failed first attempt does not consume the key: the caller may fix things and try again.
        result.catch(() => this.replays.delete(replayKey));
      }
      const [status, value] = await result;
      send(response, status, value);
    } catch (error) {
      if (error instanceof HttpError) return send(response, error.status, problem(error.status, error.error, error.message, error.causes));
      send(response, 500, problem(500, 'internal_error', String(error)));
    }
  }

  private async route(method: string, path: string, body: Json, idempotencyKey: string | undefined): Promise<[number, unknown]> {
    const payment = /^\/v1\/payments\/([^/]+)$/.exec(path)?.[1];
    const refunds = /^\/v1\/payments\/([^/]+)\/refunds$/.exec(path)?.[1];
    const preapproval = /^\/preapproval\/([^/]+)$/.exec(path)?.[1];
    const authorizedPayment = /^\/authorized_payments\/([^/]+)$/.exec(path)?.[1];
    if (method === 'POST' && path === '/v1/payments') return [201, await this.createPayment(body, idempotencyKey)];
    if (method === 'GET' && payment) return [200, this.find(this.payments, numericId(payment), 'Payment not found')];
    if (method === 'POST' && refunds) return [201, this.refund(numericId(refunds), body, idempotencyKey)];
    if (method === 'GET' && refunds) return [200, this.find(this.payments, numericId(refunds), 'Payment not found').refunds];
    if (method === 'POST' && path === '/preapproval') return [201, this.createPreapproval(body)];
    if (method === 'GET' && preapproval) return [200, this.find(this.preapprovals, preapproval, 'Preapproval not found')];
    if (method === 'PUT' && preapproval) return [200, this.updatePreapproval(preapproval, body)];
    if (method === 'GET' && authorizedPayment) return [200, this.find(this.authorizedPayments, numericId(authorizedPayment), 'Authorized payment not found')];
    if (method === 'POST' && path === '/checkout/preferences') return [201, this.createPreference(body)];
    throw new HttpError(404, 'not_found', `Resource ${method} ${path} not found`);
  }

  private find<K, V>(map: Map<K, V>, key: K, message: string): V {
    const value = map.get(key);
    if (!value) throw new HttpError(404, 'not_found', message);
    return value;
  }

  private async createPayment(body: Json, idempotencyKey: string | undefined): Promise<MpPayment> {
    if (!idempotencyKey) throw badRequest("Header X-Idempotency-Key can't be null", 'idempotency_key_required');
    const amount = body.transaction_amount;
    const methodId = body.payment_method_id;
    const payer = body.payer as { email?: unknown } | undefined;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) throw badRequest('Invalid transaction_amount', 4037);
    if (typeof methodId !== 'string' || !methodId) throw badRequest("payment_method_id attribute can't be null", 4033);
    if (typeof payer?.email !== 'string' || !payer.email) throw badRequest('payer.email must be a valid email', 4050);
    if (body.date_of_expiration !== undefined && (typeof body.date_of_expiration !== 'string' || Number.isNaN(Date.parse(body.date_of_expiration)))) {
      throw badRequest('date_of_expiration must be a valid ISO-8601 date', 4329);
    }
    const payment = this.newPayment({
      transaction_amount: amount,
      payment_method_id: methodId,
      payment_type_id: methodId === 'pix' ? 'bank_transfer' : 'credit_card',
      external_reference: typeof body.external_reference === 'string' ? body.external_reference : null,
      description: typeof body.description === 'string' ? body.description : null,
      metadata: isObject(body.metadata) ? body.metadata : {},
      notification_url: typeof body.notification_url === 'string' ? body.notification_url : null,
      payer: { email: payer.email },
      date_of_expiration: typeof body.date_of_expiration === 'string' ? body.date_of_expiration : new Date(this.clock().getTime() + 86_400_000).toISOString(),
    });
    if (methodId === 'pix') {
      payment.status_detail = 'pending_waiting_transfer';
      const qr = pixCopiaECola(amount, payment.id);
      payment.point_of_interaction = {
        type: 'PIX',
        transaction_data: {
          qr_code: qr,
          qr_code_base64: (await QRCode.toBuffer(qr)).toString('base64'),
          ticket_url: `${this.url}/payments/${payment.id}/ticket`,
        },
      };
    }
    return payment;
  }

  private createPreapproval(body: Json): MpPreapproval {
    const recurring = body.auto_recurring;
    if (typeof body.payer_email !== 'string' || !body.payer_email) throw badRequest('payer_email is required', 'payer_email');
    if (body.external_reference !== undefined && (typeof body.external_reference !== 'string' || body.external_reference.length > 255)) {
      throw badRequest('external_reference must be a string of at most 255 characters', 'external_reference');
    }
    if (!isObject(recurring)) throw badRequest('auto_recurring is required', 'auto_recurring');
    const { frequency, frequency_type, transaction_amount, currency_id, start_date, end_date } = recurring;
    if (typeof frequency !== 'number' || !Number.isInteger(frequency) || frequency < 1) throw badRequest('auto_recurring.frequency is invalid', 'frequency');
    if (frequency_type !== 'days' && frequency_type !== 'months') throw badRequest('auto_recurring.frequency_type must be days or months', 'frequency_type');
    if (typeof transaction_amount !== 'number' || !(transaction_amount > 0))
      throw badRequest('auto_recurring.transaction_amount is invalid', 'transaction_amount');
    if (currency_id !== undefined && currency_id !== 'BRL') throw badRequest('auto_recurring.currency_id is invalid', 'currency_id');
    const id = randomBytes(16).toString('hex');
    const now = this.clock().toISOString();
    const preapproval: MpPreapproval = {
      id,
      status: 'pending',
      reason: String(body.reason ?? ''),
      external_reference: String(body.external_reference ?? ''),
      payer_email: body.payer_email,
      back_url: String(body.back_url ?? ''),
      init_point: `${this.url}/subscriptions/checkout?preapproval_id=${id}`,
      date_created: now,
      last_modified: now,
      next_payment_date: null,
      auto_recurring: {
        frequency,
        frequency_type,
        transaction_amount,
        currency_id: 'BRL',
        ...(typeof start_date === 'string' ? { start_date } : {}),
        ...(typeof end_date === 'string' ? { end_date } : {}),
      },
    };
    this.preapprovals.set(id, preapproval);
    return preapproval;
  }

  private updatePreapproval(id: string, body: Json): MpPreapproval {
    const preapproval = this.find(this.preapprovals, id, 'Preapproval not found');
    const status = body.status;
    const recurring = body.auto_recurring;
    if (status !== undefined && status !== 'authorized' && status !== 'paused' && status !== 'cancelled') {
      throw badRequest(`Invalid status ${String(status)}`, 'status');
    }
    if (preapproval.status === 'cancelled' && (status !== undefined || recurring !== undefined)) {
      throw badRequest(`Invalid transition from cancelled to ${status ?? 'cancelled'}`, 'status');
    }
    let amount: number | undefined;
    if (recurring !== undefined) {
      if (!isObject(recurring)) throw badRequest('auto_recurring is invalid', 'auto_recurring');
      if (recurring.transaction_amount !== undefined) {
        if (typeof recurring.transaction_amount !== 'number' || !(recurring.transaction_amount > 0)) {
          throw badRequest('auto_recurring.transaction_amount is invalid', 'transaction_amount');
        }
        if (recurring.currency_id !== 'BRL') throw badRequest('auto_recurring.currency_id is required with transaction_amount', 'currency_id');
        amount = recurring.transaction_amount;
      }
    }
    if (status) preapproval.status = status;
    if (amount !== undefined) preapproval.auto_recurring.transaction_amount = amount;
    preapproval.last_modified = this.clock().toISOString();
    return preapproval;
  }

  private createPreference(body: Json): MpPreference {
    const items = body.items;
    if (!Array.isArray(items) || items.length === 0) throw badRequest('items needed', 'items');
    const valid = (item: unknown): item is MpPreference['items'][number] =>
      isObject(item) &&
      typeof item.title === 'string' &&
      typeof item.quantity === 'number' &&
      Number.isInteger(item.quantity) &&
      item.quantity > 0 &&
      typeof item.unit_price === 'number' &&
      item.unit_price > 0 &&
      (item.currency_id === undefined || item.currency_id === 'BRL');
    if (!items.every(valid)) throw badRequest('items must have title, quantity > 0, unit_price > 0 and currency_id BRL', 'items');
    const date = (field: string) => {
      const value = body[field];
      if (value === undefined) return null;
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw badRequest(`${field} must be a valid ISO-8601 date`, field);
      return value;
    };
    if (body.expires !== undefined && typeof body.expires !== 'boolean') throw badRequest('expires must be a boolean', 'expires');
    const from = date('expiration_date_from');
    const to = date('expiration_date_to');
    if (from && to && Date.parse(to) <= Date.parse(from)) throw badRequest('expiration_date_to must be after expiration_date_from', 'expiration_date_to');
    const id = `123456789-${randomUUID()}`;
    const preference: MpPreference = {
      id,
      init_point: `${this.url}/checkout/v1/redirect?pref_id=${id}`,
      items,
      external_reference: typeof body.external_reference === 'string' ? body.external_reference : null,
      notification_url: typeof body.notification_url === 'string' ? body.notification_url : null,
      back_urls: isObject(body.back_urls) ? (body.back_urls as Record<string, string>) : {},
      metadata: isObject(body.metadata) ? body.metadata : {},
      expires: body.expires === true,
      expiration_date_from: from,
      expiration_date_to: to,
    };
    this.preferences.set(id, preference);
    return preference;
  }

  /** POST /v1/payments/{id}/refunds: `{}` refunds what is left, `{amount}` part of it; only approved payments. */
  private refund(paymentId: number, body: Json, idempotencyKey: string | undefined): MpRefund {
    if (!idempotencyKey) throw badRequest("Header X-Idempotency-Key can't be null", 'idempotency_key_required');
    const payment = this.find(this.payments, paymentId, 'Payment not found');
    if (payment.status !== 'approved') throw badRequest(`Payment ${paymentId} is ${payment.status}: only approved payments can be refunded`, 'invalid_status');
    const left = round(payment.transaction_amount - payment.transaction_amount_refunded);
    const amount = body.amount === undefined ? left : body.amount;
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > left) throw badRequest('Invalid refund amount', 'amount');
    const refund: MpRefund = {
      id: this.nextRefundId++,
      payment_id: paymentId,
      amount,
      metadata: isObject(body.metadata) ? body.metadata : {},
      source: { id: '123456789', name: 'Zapdeploy', type: 'collector' },
      date_created: this.clock().toISOString(),
      unique_sequence_number: null,
      refund_mode: 'standard',
      adjustment_amount: 0,
      status: 'approved',
      reason: null,
      amount_refunded_to_payer: amount,
    };
    payment.refunds.push(refund);
    payment.transaction_amount_refunded = round(payment.transaction_amount_refunded + amount);
    const whole = payment.transaction_amount_refunded >= payment.transaction_amount;
    payment.status = whole ? 'refunded' : 'approved';
    payment.status_detail = whole ? 'refunded' : 'partially_refunded';
    return refund;
  }
}

export type StandInOptions = { accessToken?: string; webhookSecret?: string; clock?: () => Date };

export async function startMercadoPagoStandIn(options: StandInOptions = {}): Promise<MercadoPagoStandIn> {
  return new MercadoPagoStandIn(options).start();
}

const DETAILS: Record<MpPaymentStatus, string> = {
  pending: 'pending_waiting_transfer',
  approved: 'accredited',
  authorized: 'pending_capture',
  in_process: 'pending_contingency',
  rejected: 'cc_rejected_other_reason',
  cancelled: 'expired',
  refunded: 'refunded',
  charged_back: 'settled',
};

const FAILURE_ERRORS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'idempotency_error',
  423: 'locked',
  429: 'too_many_requests',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

const numericId = (value: string) => (/^\d+$/.test(value) ? Number(value) : Number.NaN);
const round = (value: number) => Math.round(value * 100) / 100;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An EMV field: two-digit id, two-digit length, value. */
const emv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`;

/** CRC16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as the BR Code spec requires for field 63. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** A well-formed static-style Pix "copia e cola" (BR Code) carrying the amount and, as txid, the payment id. */
function pixCopiaECola(amount: number, paymentId: number): string {
  const payload = [
    emv('00', '01'),
    emv('26', emv('00', 'br.gov.bcb.pix') + emv('01', randomUUID())),
    emv('52', '0000'),
    emv('53', '986'),
    emv('54', amount.toFixed(2)),
    emv('58', 'BR'),
    emv('59', 'MERCADO PAGO STANDIN'),
    emv('60', 'SAO PAULO'),
    emv('62', emv('05', `MP${paymentId}`)),
  ].join('');
  return `${payload}6304${crc16(`${payload}6304`)}`;
}

function header(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function problem(status: number, error: string, message: string, cause: Cause[] = []) {
  return { message, error, status, cause };
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
