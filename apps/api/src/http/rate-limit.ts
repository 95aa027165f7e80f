import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import ipaddr from 'ipaddr.js';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { sendProblem } from './problem.filter.js';

export type RateLimitSettings = {
  readonly perMinute: number;
  /** Stricter budget, per route, for sign-in, sign-up, password and verification e-mails (credential stuffing, mail bombing). */
  readonly authPerMinute: number;
  /** Unsigned Mercado Pago notifications (IPN): anyone can send them, and each may cost a call to Mercado Pago. */
  readonly ipnPerMinute: number;
  /** Guest sessions per client per hour (each can run an instance: guest farming). */
  readonly guestsPerHour: number;
  readonly keyPrefix: string;
};

/** Probes from load balancers and orchestrators are never limited. */
const UNLIMITED_PATHS = new Set(['/api/health', '/api/ready']);
const MERCADOPAGO_PATH = '/api/webhooks/mercadopago';

type Rule = { readonly name: string; readonly pattern: RegExp; readonly points: number; readonly durationSeconds: number };

/** The routes with their own budget (POST only), matched on the normalized path; the first match wins. */
function rules(settings: RateLimitSettings): readonly Rule[] {
  const minute = (name: string, pattern: RegExp): Rule => ({ name, pattern, points: settings.authPerMinute, durationSeconds: 60 });
  return [
    // Both ways to become a guest: ours, and Better Auth's own endpoint behind it.
    { name: 'guest', pattern: /^\/api\/(v1\/guest|auth\/sign-in\/anonymous)$/, points: settings.guestsPerHour, durationSeconds: 3600 },
    minute('sign-in', /^\/api\/auth\/sign-in(\/|$)/),
    minute('sign-up', /^\/api\/auth\/sign-up(\/|$)/),
    minute('password', /^\/api\/auth\/(forget-password|reset-password|request-password-reset|change-password)(\/|$)/),
    minute('verification', /^\/api\/auth\/send-verification-email(\/|$)/),
  ];
}

/**
 * The path as routing sees it: Express and Better Auth match paths case-insensitively, ignore a trailing
 * slash, and may see percent-encoded letters; the limiter must not be walked around by any of them.
 */
export function normalizePath(originalUrl: string): string {
  let path = originalUrl.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    // Malformed escapes: match on the raw path.
  }
  return (
    path
      .toLowerCase()
      .replace(/\/{2,}/g, '/')
      .replace(/\/+$/, '') || '/'
  );
}

/**
 * Whose budget a request spends: an IPv4 address, or an IPv6 address's /64 (one subscriber's network: a
 * client rotating addresses inside it is still one client). IPv4-mapped IPv6 counts as IPv4.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`;
}

/** Per-client limits on the whole API, and per route on sign-in, sign-up and guests: Redis-backed (shared by replicas) in full mode, in memory otherwise. */
export function rateLimitMiddleware(settings: RateLimitSettings, redis: Redis | undefined) {
  const make = (points: number, durationSeconds: number, name: string): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration: durationSeconds, keyPrefix: name });
    if (!redis) return memory;
    // While Redis is unreachable each replica falls back to its own in-memory budget instead of failing requests.
    return new RateLimiterRedis({
      storeClient: redis,
      points,
      duration: durationSeconds,
      keyPrefix: `${settings.keyPrefix}:${name}`,
      insuranceLimiter: memory,
    });
  };
  const general = make(settings.perMinute, 60, 'rl:api');
  const routed = rules(settings).map((rule) => ({ rule, limiter: make(rule.points, rule.durationSeconds, `rl:${rule.name}`) }));
  const ipn = make(settings.ipnPerMinute, 60, 'rl:ipn');

  return async (request: Request, response: Response, next: NextFunction) => {
    const path = normalizePath(request.originalUrl);
    if (UNLIMITED_PATHS.has(path)) return next();
    const key = clientKey(request.ip ?? request.socket.remoteAddress);
    // Unsigned Mercado Pago notifications (IPN): anyone can send them, and each may cost a call to Mercado Pago.
    const unsignedNotification = request.method === 'POST' && path === MERCADOPAGO_PATH && !request.headers['x-signature'];
    const limiter = unsignedNotification
      ? ipn
      : ((request.method === 'POST' ? routed.find(({ rule }) => rule.pattern.test(path))?.limiter : undefined) ?? general);
    try {
      const result = await limiter.consume(key);
      response.setHeader('ratelimit-limit', String(limiter.points));
      response.setHeader('ratelimit-remaining', String(result.remainingPoints));
      next();
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
        sendProblem(response, request, { status: 429, code: 'rate_limited', params: { seconds } }, { 'retry-after': String(seconds) });
        return;
      }
      next(error);
    }
  };
}
