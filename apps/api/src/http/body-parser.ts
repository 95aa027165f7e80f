import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import getRawBody from 'raw-body';
import type { Observable } from 'rxjs';
import { HttpProblem } from './http-problem.js';

/** Largest JSON body a route accepts. */
export const JSON_BODY_LIMIT = 256 * 1024;

const RAW_BODY = 'zapdeploy:raw-body';

/** The handler reads the request's bytes itself (as a stream): no JSON parsing before it. */
export const RawBody = () => SetMetadata(RAW_BODY, true);

/**
 * The request's body, at most `limit` bytes. Past the limit (declared or counted) it stops reading at once and
 * throws 413: the rest is never read (the answer closes the connection), unlike body-parser, which reads the whole
 * body to the end before answering.
 */
export async function readBody(request: Request, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpProblem(413, 'payload_too_large');
  if (request.headers['content-encoding'] && request.headers['content-encoding'] !== 'identity') throw new HttpProblem(415, 'bad_request');
  try {
    return await getRawBody(request, { limit });
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw new HttpProblem(413, 'payload_too_large');
    throw new HttpProblem(400, 'bad_request');
  }
}

function hasBody(request: Request): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

function isJson(request: Request): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** Express middleware keeping a route's raw body (webhook signatures cover the bytes), capped. */
export function rawBodyMiddleware(limit: number) {
  return (request: Request, _response: Response, next: NextFunction) => {
    if (!hasBody(request)) return next();
    readBody(request, limit).then((body) => {
      request.body = body;
      next();
    }, next);
  };
}

/**
 * Reads JSON bodies only once the caller is authenticated: interceptors run after the guard, so a request refused
 * there (401, 403) never has its body read — it is answered at once and the connection closed.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http' || this.reflector.getAllAndOverride<boolean>(RAW_BODY, [context.getHandler(), context.getClass()])) {
      return next.handle();
    }
    const request = context.switchToHttp().getRequest<Request>();
    if (request.body === undefined && hasBody(request) && isJson(request)) {
      const text = (await readBody(request, JSON_BODY_LIMIT)).toString('utf8');
      let nul = false;
      try {
        // PostgreSQL text cannot hold U+0000: refused here, with a clear answer, rather than failing in a query.
        request.body =
          text.trim() === ''
            ? {}
            : JSON.parse(text, (key, value: unknown) => {
                if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) nul = true;
                return value;
              });
      } catch {
        throw new HttpProblem(400, 'malformed_json');
      }
      if (nul) throw new HttpProblem(422, 'null_character');
    }
    return next.handle();
  }
}
