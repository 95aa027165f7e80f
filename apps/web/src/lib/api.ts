'use client';

/** An API error as RFC 9457 problem details; `detail` is already in the user's language. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(detail);
  }
}

/** Calls the API on the same origin; throws ApiProblem with a readable detail on errors. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; locale?: string } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.locale ? { 'accept-language': init.locale } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiProblem(
      0,
      'network',
      init.locale === 'en' ? 'No connection to the server.' : init.locale === 'es' ? 'Sin conexión con el servidor.' : 'Sem conexão com o servidor.',
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const problem = (body ?? {}) as { code?: string; detail?: string; title?: string; errors?: { path: string; message: string }[] };
    throw new ApiProblem(response.status, problem.code ?? 'error', problem.detail ?? problem.title ?? `HTTP ${response.status}`, problem.errors ?? []);
  }
  return body as T;
}

export type Plan = {
  id: string;
  slug: string;
  name: string;
  priceCents: number;
  cpuMillis: number;
  memoryMb: number;
  diskMb: number;
  tier: 'dev' | 'production';
};
export type Deployment = { id: string; number: number; status: string; trigger: string; commitSha: string | null; error: string | null; createdAt: string };
export type Instance = {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  statusDetail: string | null;
  desiredState: string;
  planId: string;
  repoUrl: string;
  branch: string | null;
  rootDir: string;
  envKeys: string[];
  createdAt: string;
  updatedAt: string;
  currentDeployment: Deployment | null;
};
export type Me = {
  user: { id: string; name: string; email: string | null; isGuest: boolean; image: string | null; createdAt: string; guestExpiresAt: string | null };
  authenticatedBy: string;
  scope: 'read' | 'deploy' | 'full';
  limits: { maxInstances: number | null; allowedPlanTiers: string[] };
};
export type Checkout = {
  checkoutId: string;
  method: 'pix' | 'card';
  status: 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled' | 'refunded';
  kind: 'period' | 'upgrade' | 'subscription';
  planId: string;
  amountCents: number;
  pix?: { qrCode: string; qrCodeBase64: string; expiresAt: string };
  redirectUrl?: string;
  createdAt: string;
};
export type PaymentList = {
  billing: {
    state: 'awaiting_payment' | 'active' | 'grace' | 'suspended' | 'ended';
    planId: string;
    method: 'pix' | 'card' | null;
    paidUntil: string | null;
    graceUntil: string | null;
    purgeAt: string | null;
    subscribed: boolean;
    scheduledPlanId: string | null;
  } | null;
  pendingCheckout: Checkout | null;
  items: {
    id: string;
    checkoutId: string | null;
    planId: string;
    method: 'pix' | 'card';
    kind: string;
    amountCents: number;
    status: string;
    statusDetail: string | null;
    approvedAt: string | null;
    refund: { status: 'due' | 'requested'; reason: 'checkout_closed' | 'checkout_expired' | 'period_ended' | 'billing_changed' } | null;
    createdAt: string;
    mercadoPagoId: string;
  }[];
};
