/** What the payments service needs from Mercado Pago (documented REST API v1, preapproval, preferences). */
export interface MercadoPagoPort {
  createPixPayment(input: PixPaymentInput): Promise<MpPayment>;
  getPayment(id: string): Promise<MpPayment>;
  createPreapproval(input: PreapprovalInput): Promise<MpPreapproval>;
  getPreapproval(id: string): Promise<MpPreapproval>;
  updatePreapproval(id: string, patch: { status?: 'paused' | 'cancelled' | 'authorized'; amountCents?: number }): Promise<MpPreapproval>;
  getAuthorizedPayment(id: string): Promise<MpAuthorizedPayment>;
  createPreference(input: PreferenceInput): Promise<MpPreference>;
  /**
   * Refunds a payment in full (POST /v1/payments/{id}/refunds). `idempotencyKey` is the same for every attempt at
   * one refund, so a retry after a lost answer never refunds twice.
   */
  refundPayment(paymentId: string, idempotencyKey: string): Promise<MpRefund>;
}

export type PixPaymentInput = {
  readonly amountCents: number;
  readonly description: string;
  readonly externalReference: string;
  readonly payerEmail: string;
  readonly notificationUrl: string;
  readonly expiresAt: Date;
  readonly metadata: Record<string, string>;
};

export type PreapprovalInput = {
  readonly reason: string;
  readonly externalReference: string;
  readonly payerEmail: string;
  readonly backUrl: string;
  readonly amountCents: number;
  /** Charged every `period.every` days or months. */
  readonly period: { readonly every: number; readonly unit: 'days' | 'months' };
};

export type PreferenceInput = {
  readonly title: string;
  readonly amountCents: number;
  readonly externalReference: string;
  readonly notificationUrl: string;
  readonly backUrl: string;
  readonly metadata: Record<string, string>;
  /** The page can be paid from `now` until `expiresAt` (`expires`, `expiration_date_from`/`_to`). */
  readonly expiresAt: Date;
  readonly now: Date;
};

export type MpPayment = {
  readonly id: string;
  readonly status: string;
  readonly statusDetail: string | null;
  readonly amountCents: number;
  readonly externalReference: string | null;
  readonly paymentMethodId: string | null;
  readonly preapprovalId: string | null;
  readonly pix: { readonly qrCode: string; readonly qrCodeBase64: string } | null;
  readonly expiresAt: string | null;
  /** `date_approved`: when it was approved, if it was. */
  readonly approvedAt: string | null;
};

export type MpRefund = { readonly id: string; readonly paymentId: string; readonly amountCents: number; readonly status: string };

export type MpPreapproval = {
  readonly id: string;
  readonly status: 'pending' | 'authorized' | 'paused' | 'cancelled';
  readonly externalReference: string | null;
  readonly amountCents: number;
  readonly initPoint: string | null;
};

export type MpAuthorizedPayment = {
  readonly id: string;
  readonly preapprovalId: string;
  readonly status: string;
  readonly amountCents: number;
  readonly payment: { readonly id: string; readonly status: string; readonly statusDetail: string | null } | null;
};

export type MpPreference = { readonly id: string; readonly initPoint: string };

/** Mercado Pago answered with an error (kept with its status, e.g. 404 for an unknown resource). */
export class MercadoPagoError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'MercadoPagoError';
  }
}
