import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { ApiRequest } from './request-context.js';

const GIVEN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives every request an id (a sane `X-Request-Id` from a proxy is kept), echoed in the answer and written in audits. */
export function requestIdMiddleware() {
  return (request: Request, response: Response, next: NextFunction) => {
    const given = request.headers['x-request-id'];
    const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    (request as ApiRequest).requestId = id;
    response.setHeader('x-request-id', id);
    next();
  };
}
