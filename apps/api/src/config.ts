import {
  booleanString,
  commaList,
  type Env,
  type GithubConfig,
  type InfraConfig,
  loadGithubConfig,
  loadInfraConfig,
  parseEnv,
  portNumber,
  urlString,
} from '@zapdeploy/config';
import { z } from 'zod';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  API_PORT: portNumber.default(4000),
  PORT: portNumber.default(3000),
  API_HOST: z.string().default('0.0.0.0'),
  ZAPDEPLOY_PUBLIC_URL: urlString(['http', 'https']).optional(),
  ZAPDEPLOY_TRUSTED_ORIGINS: commaList.optional(),
  ZAPDEPLOY_PUBLIC_SIGNUPS: booleanString.optional(),
  ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION: booleanString.optional(),
  ZAPDEPLOY_SUPERADMINS: commaList.default([]),
  ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, 'expected a positive number').default(600),
  ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, 'expected a positive number').default(30),
  ZAPDEPLOY_SSE_MAX_PER_USER: z.coerce.number().int().min(1, 'expected a positive number').default(20),
  ZAPDEPLOY_SSE_MAX_PER_IP: z.coerce.number().int().min(1, 'expected a positive number').default(60),
  ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS: booleanString.default(false),
  ZAPDEPLOY_PAYMENTS_URL: urlString(['http', 'https']).default('http://127.0.0.1:4100'),
  SMTP_URL: urlString(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().default('Zapdeploy <no-reply@localhost>'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type ApiConfig = {
  readonly infra: InfraConfig;
  readonly mode: 'embedded' | 'full';
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** Where the dashboard (with /api) is served (PORT). */
  readonly webPort: number;
  readonly publicUrl: string;
  readonly trustedOrigins: readonly string[];
  readonly publicSignups: boolean;
  readonly requireEmailVerification: boolean;
  readonly superAdmins: readonly string[];
  readonly rateLimitPerMinute: number;
  readonly authRateLimitPerMinute: number;
  /** Live streams (logs, events) one user, and one client IP, may hold open at once on an API process. */
  readonly sseMaxPerUser: number;
  readonly sseMaxPerIp: number;
  readonly github: GithubConfig;
  /** The payments service (checkouts, Mercado Pago notifications). */
  readonly paymentsUrl: string;
  /** Repositories on loopback/private hosts may be inspected (tests, self-hosted git). */
  readonly allowPrivateGitHosts: boolean;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
};

/** Reads the API's environment once; throws ConfigError naming every bad variable. */
export function loadApiConfig(env: Env): ApiConfig {
  const infra = loadInfraConfig(env);
  const e = parseEnv(schema, env);
  const mode = infra.mode;
  const github = loadGithubConfig(env);
  const publicUrl = stripSlash(e.ZAPDEPLOY_PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  const localOrigins = [`http://localhost:${e.PORT}`, `http://localhost:${e.API_PORT}`, `http://127.0.0.1:${e.PORT}`, `http://127.0.0.1:${e.API_PORT}`];
  return {
    infra,
    mode,
    nodeEnv: e.NODE_ENV,
    host: e.API_HOST,
    port: e.API_PORT,
    webPort: e.PORT,
    publicUrl,
    trustedOrigins: [...new Set([new URL(publicUrl).origin, ...(e.ZAPDEPLOY_TRUSTED_ORIGINS ?? []), ...(mode === 'embedded' ? localOrigins : [])])],
    publicSignups: e.ZAPDEPLOY_PUBLIC_SIGNUPS ?? mode === 'full',
    requireEmailVerification: e.ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION ?? mode === 'full',
    superAdmins: e.ZAPDEPLOY_SUPERADMINS.map((email) => email.toLowerCase()),
    rateLimitPerMinute: e.ZAPDEPLOY_RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: e.ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE,
    sseMaxPerUser: e.ZAPDEPLOY_SSE_MAX_PER_USER,
    sseMaxPerIp: e.ZAPDEPLOY_SSE_MAX_PER_IP,
    github,
    paymentsUrl: stripSlash(e.ZAPDEPLOY_PAYMENTS_URL),
    allowPrivateGitHosts: e.ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
