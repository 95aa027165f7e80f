import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AccessConfig,
  booleanString,
  ConfigError,
  commaList,
  type Env,
  type GithubConfig,
  type InfraConfig,
  type LocalClusterConfig,
  loadAccessConfig,
  loadGithubConfig,
  loadInfraConfig,
  loadLocalClusterConfig,
  parseEnv,
  portNumber,
  privateGitHosts,
  urlString,
} from '@zapdeploy/config';
import { z } from 'zod';

/** The console's feature flags that ship with the platform (flagd definitions): each area for its role or `owner`. */
export const SHIPPED_FLAGS_FILE = fileURLToPath(new URL('../config/flags.json', import.meta.url));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  API_PORT: portNumber.default(4000),
  PORT: portNumber.default(3000),
  ZAPDEPLOY_TRUSTED_ORIGINS: commaList.optional(),
  ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION: booleanString.optional(),
  ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, 'expected a positive number').default(600),
  ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, 'expected a positive number').default(30),
  ZAPDEPLOY_IPN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, 'expected a positive number').default(30),
  ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS: privateGitHosts.default(false),
  ZAPDEPLOY_INSPECT_CONCURRENCY: z.coerce.number().int().min(1, 'expected a positive number').default(2),
  ZAPDEPLOY_GUEST_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(1, 'expected a positive number').default(10),
  ZAPDEPLOY_GUEST_SWEEP_SECONDS: z.coerce.number().int().min(1, 'expected a positive number').default(3600),
  ZAPDEPLOY_SSE_MAX_PER_USER: z.coerce.number().int().min(1, 'expected a positive number').default(20),
  ZAPDEPLOY_SSE_MAX_PER_IP: z.coerce.number().int().min(1, 'expected a positive number').default(60),
  ZAPDEPLOY_PAYMENTS_URL: urlString(['http', 'https']).default('http://127.0.0.1:4100'),
  SMTP_URL: urlString(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().default('Zapdeploy <no-reply@localhost>'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  ZAPDEPLOY_FLAGS_FILE: z.string().optional(),
  ZAPDEPLOY_FLAGD_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'expected a host name or address, such as flagd or 10.0.0.5')
    .optional(),
  ZAPDEPLOY_FLAGD_PORT: portNumber.default(8013),
  ZAPDEPLOY_FLAGD_TLS: booleanString.default(false),
});

/**
 * Where the console's feature flags (`admin.<area>`) are evaluated, with flagd's OpenFeature provider: in this process
 * from a flagd definitions file (the shipped one unless ZAPDEPLOY_FLAGS_FILE; re-read when it changes), or by a flagd
 * daemon (ZAPDEPLOY_FLAGD_HOST, its evaluation port ZAPDEPLOY_FLAGD_PORT).
 */
export type FlagsConfig =
  | { readonly source: 'file'; readonly path: string }
  | { readonly source: 'flagd'; readonly host: string; readonly port: number; readonly tls: boolean };

export type ApiConfig = {
  readonly infra: InfraConfig;
  readonly mode: 'embedded' | 'full';
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** Who can reach the platform, who may sign up, guests and their expiry. */
  readonly access: AccessConfig;
  /** The API's bind address (API_HOST, else HOST). */
  readonly host: string;
  /** The dashboard's bind address (HOST). */
  readonly webHost: string;
  readonly port: number;
  /** Where the dashboard (with /api) is served (PORT). */
  readonly webPort: number;
  readonly publicUrl: string;
  readonly trustedOrigins: readonly string[];
  readonly publicSignups: boolean;
  readonly requireEmailVerification: boolean;
  /** E-mails given the `owner` role (at start, and when such an account first signs in). */
  readonly superAdmins: readonly string[];
  /** The platform's own cluster (`local`), ensured at start; how often clusters' capacity is read. */
  readonly localCluster: LocalClusterConfig;
  readonly rateLimitPerMinute: number;
  /** Unsigned Mercado Pago notifications (IPN) per minute per client IP. */
  readonly ipnRateLimitPerMinute: number;
  readonly authRateLimitPerMinute: number;
  /** Guest sessions one client (IPv4 address, IPv6 /64) may create per hour. */
  readonly guestRateLimitPerHour: number;
  /** How often idle guests are looked for and deleted. */
  readonly guestSweepMs: number;
  /** Live streams (logs, events) one user, and one client IP, may hold open at once on an API process. */
  readonly sseMaxPerUser: number;
  readonly sseMaxPerIp: number;
  readonly github: GithubConfig;
  /** The payments service (checkouts, Mercado Pago notifications). */
  readonly paymentsUrl: string;
  /** Private git hosts whose repositories may be inspected: all (tests), none, or these `host`/`host:port`. */
  readonly allowPrivateGitHosts: boolean | readonly string[];
  /** Repository inspections (shallow clones) the API process runs at once. */
  readonly inspectConcurrency: number;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly flags: FlagsConfig;
};

/** Reads the API's environment once; throws ConfigError naming every bad variable. */
export function loadApiConfig(env: Env): ApiConfig {
  const infra = loadInfraConfig(env);
  const e = parseEnv(schema, env);
  const access = loadAccessConfig(env);
  const mode = infra.mode;
  const github = loadGithubConfig(env);
  const publicUrl = access.publicUrl;
  const localOrigins = [`http://localhost:${e.PORT}`, `http://localhost:${e.API_PORT}`, `http://127.0.0.1:${e.PORT}`, `http://127.0.0.1:${e.API_PORT}`];
  return {
    infra,
    mode,
    nodeEnv: e.NODE_ENV,
    access,
    host: access.apiHost,
    webHost: access.host,
    port: e.API_PORT,
    webPort: e.PORT,
    publicUrl,
    trustedOrigins: [...new Set([new URL(publicUrl).origin, ...(e.ZAPDEPLOY_TRUSTED_ORIGINS ?? []), ...(mode === 'embedded' ? localOrigins : [])])],
    publicSignups: access.publicSignups,
    requireEmailVerification: e.ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION ?? mode === 'full',
    superAdmins: access.superAdmins,
    localCluster: loadLocalClusterConfig(env),
    rateLimitPerMinute: e.ZAPDEPLOY_RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: e.ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE,
    ipnRateLimitPerMinute: e.ZAPDEPLOY_IPN_RATE_LIMIT_PER_MINUTE,
    guestRateLimitPerHour: e.ZAPDEPLOY_GUEST_RATE_LIMIT_PER_HOUR,
    guestSweepMs: e.ZAPDEPLOY_GUEST_SWEEP_SECONDS * 1000,
    sseMaxPerUser: e.ZAPDEPLOY_SSE_MAX_PER_USER,
    sseMaxPerIp: e.ZAPDEPLOY_SSE_MAX_PER_IP,
    github,
    paymentsUrl: stripSlash(e.ZAPDEPLOY_PAYMENTS_URL),
    allowPrivateGitHosts: e.ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS,
    inspectConcurrency: e.ZAPDEPLOY_INSPECT_CONCURRENCY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    flags: flagsConfig(e),
  };
}

function flagsConfig(e: z.infer<typeof schema>): FlagsConfig {
  if (e.ZAPDEPLOY_FLAGD_HOST && e.ZAPDEPLOY_FLAGS_FILE) {
    throw new ConfigError([
      `ZAPDEPLOY_FLAGS_FILE: set either a flags file or a flagd daemon (ZAPDEPLOY_FLAGD_HOST), not both (got "${e.ZAPDEPLOY_FLAGS_FILE}")`,
    ]);
  }
  if (e.ZAPDEPLOY_FLAGD_HOST) return { source: 'flagd', host: e.ZAPDEPLOY_FLAGD_HOST, port: e.ZAPDEPLOY_FLAGD_PORT, tls: e.ZAPDEPLOY_FLAGD_TLS };
  return { source: 'file', path: e.ZAPDEPLOY_FLAGS_FILE ? path.resolve(e.ZAPDEPLOY_FLAGS_FILE) : SHIPPED_FLAGS_FILE };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
