import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { booleanString, commaList, type Env, parseEnv, portNumber, urlString } from './env.js';
import { loadInfraConfig } from './infra.js';

const schema = z.object({
  HOST: z.string().optional(),
  API_HOST: z.string().optional(),
  PORT: portNumber.default(3000),
  ZAPDEPLOY_PUBLIC_URL: urlString(['http', 'https']).optional(),
  ZAPDEPLOY_PUBLIC_SIGNUPS: booleanString.optional(),
  ZAPDEPLOY_GUESTS: booleanString.optional(),
  ZAPDEPLOY_SIGNUP_ALLOWLIST: commaList.default([]),
  ZAPDEPLOY_SUPERADMINS: commaList.default([]),
  ZAPDEPLOY_GUEST_TTL_DAYS: z.coerce.number().int().min(1, 'expected a whole number of days (at least 1)').max(3650).default(7),
});

/**
 * Who can reach the platform and who may get an account: the same answer for every process (the API decides
 * sign-ups and guests with it; the worker refuses to run bots unisolated when others can get in).
 */
export type AccessConfig = {
  /** Bind address of the dashboard (and, unless API_HOST says otherwise, of the API). */
  readonly host: string;
  readonly apiHost: string;
  /** The address users open (no trailing slash). */
  readonly publicUrl: string;
  /** Anyone may sign up (and, unless ZAPDEPLOY_GUESTS=false, try as a guest); production plans need payment. */
  readonly publicSignups: boolean;
  /** Visitors may try one dev instance without an account. */
  readonly guests: boolean;
  /** E-mails (`ana@empresa.com`) and domains (`@empresa.com`) that may sign up on a private install; lower case. */
  readonly signupAllowlist: readonly string[];
  /** ZAPDEPLOY_SUPERADMINS, lower case: they may always sign up. */
  readonly superAdmins: readonly string[];
  /** Guests idle this long are deleted with their instances. */
  readonly guestTtlDays: number;
  /** Only this machine can reach the platform: every bind address and the public URL are loopback. */
  readonly localOnly: boolean;
};

export function loadAccessConfig(env: Env): AccessConfig {
  const infra = loadInfraConfig(env);
  const e = parseEnv(schema, env);
  // A laptop's `npm start` (embedded) answers only this machine unless HOST says otherwise; a full install
  // is a server behind a load balancer.
  const host = e.HOST ?? (infra.mode === 'embedded' ? '127.0.0.1' : '0.0.0.0');
  const apiHost = e.API_HOST ?? host;
  const publicUrl = (e.ZAPDEPLOY_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const publicSignups = e.ZAPDEPLOY_PUBLIC_SIGNUPS ?? infra.mode === 'full';
  return {
    host,
    apiHost,
    publicUrl,
    publicSignups,
    guests: e.ZAPDEPLOY_GUESTS ?? publicSignups,
    signupAllowlist: e.ZAPDEPLOY_SIGNUP_ALLOWLIST.map((entry) => entry.toLowerCase()),
    superAdmins: e.ZAPDEPLOY_SUPERADMINS.map((email) => email.toLowerCase()),
    guestTtlDays: e.ZAPDEPLOY_GUEST_TTL_DAYS,
    localOnly: isLoopbackHost(host) && isLoopbackHost(apiHost) && isLoopbackHost(new URL(publicUrl).hostname),
  };
}

/** `localhost`, 127.0.0.0/8, ::1, ::ffff:127.0.0.1 (also bracketed, as in a URL's hostname). Anything else, `0.0.0.0` and `::` included, is not. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (!ipaddr.isValid(bare)) return false;
  const address = ipaddr.process(bare);
  return address.range() === 'loopback';
}
