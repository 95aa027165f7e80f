import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { hasMessage } from '../http/messages.js';
import { sendProblem } from '../http/problem.filter.js';
import type { Auth } from './better-auth.js';

/**
 * Serves Better Auth under /api/auth through the Fetch API, turning its JSON errors into RFC 9457
 * problems in the caller's language so that every API error has one shape.
 */
export function authBridge(auth: Auth, publicUrl: string) {
  return async (request: Request, response: Response) => {
    const url = new URL(request.originalUrl, publicUrl);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else if (value !== undefined) headers.set(name, value);
    }
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const fetchRequest = new Request(url, {
      method: request.method,
      headers,
      body: hasBody ? (Readable.toWeb(request) as ReadableStream) : undefined,
      duplex: 'half',
    } as RequestInit);
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
    response.status(answer.status);
    answer.headers.forEach((value, name) => {
      if (name !== 'set-cookie') response.setHeader(name, value);
    });
    for (const cookie of answer.headers.getSetCookie()) response.append('set-cookie', cookie);
    response.end(Buffer.from(await answer.arrayBuffer()));
  };
}
