import type { Request, Response } from 'express';
import { readBody } from '../http/body-parser.js';
import { HttpProblem } from '../http/http-problem.js';
import { hasMessage } from '../http/messages.js';
import { sendProblem } from '../http/problem.filter.js';
import type { Auth } from './better-auth.js';

const AUTH_BODY_LIMIT = 64 * 1024;
/** What Better Auth's endpoints answer to; anything else (TRACE, PUT…) is refused here, before the Fetch API would throw. */
const AUTH_METHODS = new Set(['GET', 'POST']);

/**
 * Serves Better Auth under /api/auth through the Fetch API, turning its JSON errors into RFC 9457
 * problems in the caller's language so that every API error has one shape.
 */
export function authBridge(auth: Auth, publicUrl: string) {
  return async (request: Request, response: Response) => {
    if (!AUTH_METHODS.has(request.method)) {
      sendProblem(response, request, { status: 405, code: 'method_not_allowed' }, { allow: [...AUTH_METHODS].join(', ') });
      return;
    }
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    let body: Buffer | undefined;
    if (hasBody) {
      // Sign-in and sign-up bodies are a few hundred bytes: read at most this much, refuse more (413) unread.
      try {
        body = await readBody(request, AUTH_BODY_LIMIT);
      } catch (error) {
        if (!(error instanceof HttpProblem)) throw error;
        sendProblem(response, request, { status: error.status, code: error.code });
        return;
      }
    }
    // PostgreSQL text cannot hold U+0000 (written \u0000 in JSON): refused here rather than failing in a query.
    if (body?.includes('\\u0000')) {
      sendProblem(response, request, { status: 422, code: 'null_character' });
      return;
    }
    const url = new URL(request.originalUrl, publicUrl);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (name === 'content-length' || name === 'transfer-encoding') continue; // the body is passed whole
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    const fetchRequest = new Request(url, { method: request.method, headers, body: body && body.length > 0 ? new Uint8Array(body) : undefined });
    const answer = await auth.handler(fetchRequest);
    if (answer.status >= 400 && answer.headers.get('content-type')?.includes('application/json')) {
      const body = (await answer.json().catch(() => ({}))) as { code?: string; message?: string; params?: Record<string, string | number> };
      const code = (body.code ?? 'bad_request').toLowerCase();
      const passthrough: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== 'content-type' && name !== 'content-length' && name !== 'set-cookie') passthrough[name] = value;
      });
      for (const cookie of answer.headers.getSetCookie()) response.append('set-cookie', cookie);
      sendProblem(
        response,
        request,
        {
          status: answer.status === 400 && hasMessage(code) && code.startsWith('password') ? 422 : answer.status,
          code,
          fallbackDetail: body.message,
          ...(body.params ? { params: body.params } : {}),
        },
        passthrough,
      );
      return;
    }
    if (answer.status >= 400) {
      // An error the auth library answers without a JSON body (an unknown path, a wrong method): same shape as the rest.
      for (const cookie of answer.headers.getSetCookie()) response.append('set-cookie', cookie);
      const code = answer.status === 404 ? 'route_not_found' : answer.status === 405 ? 'method_not_allowed' : 'bad_request';
      sendProblem(response, request, { status: answer.status, code });
      return;
    }
    response.status(answer.status);
    answer.headers.forEach((value, name) => {
      if (name !== 'set-cookie') response.setHeader(name, value);
    });
    for (const cookie of answer.headers.getSetCookie()) response.append('set-cookie', cookie);
    response.end(Buffer.from(await answer.arrayBuffer()));
  };
}
