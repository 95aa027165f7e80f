import { ConfigError, type Env, type InfraConfig, loadInfraConfig, parseEnv, portNumber, urlString } from '@zapdeploy/config';
import { type BillingRules, DEFAULT_BILLING_RULES } from '@zapdeploy/domain';
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().positive('expected a positive number').default(fallback);

const schema = z.object({
  PAYMENTS_PORT: portNumber.default(4100),
  PAYMENTS_HOST: z.string().default('127.0.0.1'),
  PORT: portNumber.default(3000),
  ZAPDEPLOY_PUBLIC_URL: urlString(['http', 'https']).optional(),
  MERCADOPAGO_ACCESS_TOKEN: z.string().min(8, 'expected a Mercado Pago access token (APP_USR-…)').optional(),
  MERCADOPAGO_WEBHOOK_SECRET: z.string().min(8, 'expected the secret signature from Your integrations → Webhooks').optional(),
  MERCADOPAGO_API_URL: urlString(['http', 'https']).default('https://api.mercadopago.com'),
  ZAPDEPLOY_BILLING_PERIOD_DAYS: positive(DEFAULT_BILLING_RULES.periodDays),
  ZAPDEPLOY_BILLING_GRACE_DAYS: positive(DEFAULT_BILLING_RULES.graceDays),
  ZAPDEPLOY_BILLING_RETENTION_DAYS: positive(DEFAULT_BILLING_RULES.retentionDays),
  ZAPDEPLOY_BILLING_REMINDER_DAYS: positive(DEFAULT_BILLING_RULES.reminderDays),
  ZAPDEPLOY_PIX_EXPIRY_MINUTES: z.coerce.number().int().min(30, 'Mercado Pago accepts 30 minutes to 30 days').max(43_200).default(30),
  ZAPDEPLOY_DUNNING_SECONDS: positive(60),
  /** How long a processor's claim on a notification lasts (a crashed processor's work comes back after it). */
  ZAPDEPLOY_PAYMENTS_CLAIM_SECONDS: positive(60),
  /** Oldest accepted x-signature timestamp, in seconds. */
  ZAPDEPLOY_WEBHOOK_TOLERANCE_SECONDS: positive(300),
  /** Least time between two fetches of one resource caused by unsigned (IPN) notifications. */
  ZAPDEPLOY_IPN_COOLDOWN_SECONDS: positive(60),
});

export type MercadoPagoConfig = { readonly accessToken: string; readonly webhookSecret: string; readonly apiUrl: string };

export type PaymentsConfig = {
  readonly infra: InfraConfig;
  readonly host: string;
  readonly port: number;
  /** Where buyers come back to and Mercado Pago notifies (the dashboard's origin). */
  readonly publicUrl: string;
  /** Absent without credentials: checkouts then answer that payments are not configured. */
  readonly mercadopago: MercadoPagoConfig | undefined;
  readonly rules: BillingRules;
  readonly pixExpiryMinutes: number;
  readonly dunningMs: number;
  readonly claimMs: number;
  readonly webhookToleranceSeconds: number;
  readonly ipnCooldownMs: number;
};

export function loadPaymentsConfig(env: Env): PaymentsConfig {
  const infra = loadInfraConfig(env);
  const e = parseEnv(schema, env);
  const token = e.MERCADOPAGO_ACCESS_TOKEN;
  const secret = e.MERCADOPAGO_WEBHOOK_SECRET;
  if (!!token !== !!secret) {
    const missing = token ? 'MERCADOPAGO_WEBHOOK_SECRET' : 'MERCADOPAGO_ACCESS_TOKEN';
    throw new ConfigError([
      `${missing}: expected with ${token ? 'MERCADOPAGO_ACCESS_TOKEN' : 'MERCADOPAGO_WEBHOOK_SECRET'} (Mercado Pago needs both, or neither to leave payments off)`,
    ]);
  }
  return {
    infra,
    host: e.PAYMENTS_HOST,
    port: e.PAYMENTS_PORT,
    publicUrl: (e.ZAPDEPLOY_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    mercadopago: token && secret ? { accessToken: token, webhookSecret: secret, apiUrl: e.MERCADOPAGO_API_URL.replace(/\/+$/, '') } : undefined,
    rules: {
      periodDays: e.ZAPDEPLOY_BILLING_PERIOD_DAYS,
      graceDays: e.ZAPDEPLOY_BILLING_GRACE_DAYS,
      retentionDays: e.ZAPDEPLOY_BILLING_RETENTION_DAYS,
      reminderDays: e.ZAPDEPLOY_BILLING_REMINDER_DAYS,
    },
    pixExpiryMinutes: e.ZAPDEPLOY_PIX_EXPIRY_MINUTES,
    dunningMs: e.ZAPDEPLOY_DUNNING_SECONDS * 1000,
    claimMs: e.ZAPDEPLOY_PAYMENTS_CLAIM_SECONDS * 1000,
    webhookToleranceSeconds: e.ZAPDEPLOY_WEBHOOK_TOLERANCE_SECONDS,
    ipnCooldownMs: e.ZAPDEPLOY_IPN_COOLDOWN_SECONDS * 1000,
  };
}
