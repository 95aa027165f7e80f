import type { CheckoutDto } from '@zapdeploy/contracts';
import { DomainError, type ErrorKind } from '@zapdeploy/domain';

export type CheckoutCall = {
  readonly instanceId: string;
  readonly instanceName: string;
  readonly ownerId: string;
  readonly payerEmail: string;
  readonly planId: string;
  readonly method: 'pix' | 'card';
};

export type ForwardedNotification = { readonly query: string; readonly body: Buffer; readonly headers: Readonly<Record<string, string | undefined>> };

/** The API's port to the payments service (its own process, reached over HTTP with a derived token). */
export class PaymentsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  checkout(call: CheckoutCall): Promise<CheckoutDto> {
    return this.call<CheckoutDto>('/internal/checkouts', call);
  }

  changePlan(instanceId: string, planId: string): Promise<{ effective: 'now' | 'period_end'; at: string | null }> {
    return this.call('/internal/plan-changes', { instanceId, planId });
  }

  /** A plan's price changed: card subscriptions renewing on it are re-priced for their next charge. */
  repricePlan(planId: string): Promise<{ repriced: number }> {
    return this.call('/internal/plan-prices', { planId });
  }

  /** Passes a Mercado Pago notification on as received (the payments service checks its signature). */
  async forwardNotification(notification: ForwardedNotification): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { 'content-type': notification.headers['content-type'] ?? 'application/json' };
    for (const name of ['x-signature', 'x-request-id']) {
      const value = notification.headers[name];
      if (value) headers[name] = value;
    }
    const response = await this.fetch(`/api/webhooks/mercadopago${notification.query}`, {
      method: 'POST',
      headers,
      body: notification.body.length > 0 ? new Uint8Array(notification.body) : undefined,
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw toDomainError(response.status, body);
    return { status: response.status, body };
  }

  private async call<T>(path: string, body: unknown): Promise<T> {
    const response = await this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw toDomainError(response.status, json);
    return json as T;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch {
      throw new DomainError('unavailable', 'unavailable');
    }
  }
}

function toDomainError(status: number, body: unknown): DomainError {
  const error = body as { kind?: ErrorKind; code?: string; params?: Record<string, string | number> };
  if (error?.kind && error.code) return new DomainError(error.kind, error.code, error.params ?? {});
  return new DomainError('unavailable', status >= 500 ? 'unavailable' : 'internal_error');
}
