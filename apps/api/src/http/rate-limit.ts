import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { sendProblem } from './problem.filter.js';

export type RateLimitSettings = {
  readonly perMinute: number;
  /** Stricter budget for sign-in, sign-up and guest creation (credential stuffing, guest farming). */
  readonly authPerMinute: number;
  /** Unsigned Mercado Pago notifications (IPN): anyone can send them, and each may cost a call to Mercado Pago. */
  readonly ipnPerMinute: number;
  readonly keyPrefix: string;
};

/** Probes from load balancers and orchestrators are never limited. */
const UNLIMITED_PATHS = new Set(['/api/health', '/api/ready']);
const AUTH_PATHS = /^\/api\/(auth\/(sign-in|sign-up|forget-password|reset-password|request-password-reset)|v1\/guest)/;
const MERCADOPAGO_PATH = '/api/webhooks/mercadopago';

/** Per-client-IP limits on the whole API: Redis-backed (shared by replicas) in full mode, in memory otherwise. */
export function rateLimitMiddleware(settings: RateLimitSettings, redis: Redis | undefined) {
  const make = (points: number, name: string): RateLimiterAbstract => {
    const memory = new RateLimiterMemory({ points, duration: 60, keyPrefix: name });
    if (!redis) return memory;
    // While Redis is unreachable each replica falls back to its own in-memory budget instead of failing requests.
    return new RateLimiterRedis({ storeClient: redis, points, duration: 60, keyPrefix: `${settings.keyPrefix}:${name}`, insuranceLimiter: memory });
  };
  const general = make(settings.perMinute, 'rl:api');
  const auth = make(settings.authPerMinute, 'rl:auth');
  const ipn = make(settings.ipnPerMinute, 'rl:ipn');

  return async (request: Request, response: Response, next: NextFunction) => {
    const path = `${request.baseUrl}${request.path}`;
    if (UNLIMITED_PATHS.has(path)) return next();
    const key = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const unsignedNotification = request.method === 'POST' && path === MERCADOPAGO_PATH && !request.headers['x-signature'];
    const limiter = unsignedNotification ? ipn : request.method === 'POST' && AUTH_PATHS.test(path) ? auth : general;
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
