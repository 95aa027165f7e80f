import { isSystemMessageCode, renderSystemMessage, type routes, type SystemMessageLocale } from '@zapdeploy/contracts';
import { isStreamId, type LogStore, type StoredLogEntry } from '@zapdeploy/logstore';
import type { Request, Response } from 'express';
import { HttpProblem } from '../http/http-problem.js';
import { negotiateLocale } from '../http/messages.js';
import { streamSse, wantsStream } from './sse.js';
import type { StreamLimiter } from './stream-limiter.js';

export type LogQuery = typeof routes.instanceLogs.query._zod.output;

/** Where log pages and streams are read from, and how many live streams a caller may hold. */
export type LogServing = { readonly store: LogStore; readonly limiter: StreamLimiter };

/** What the platform said is said in the reader's language; everything else exactly as it was printed. */
function lineIn(entry: StoredLogEntry, locale: SystemMessageLocale): string {
  const message = entry.message;
  return message && isSystemMessageCode(message.code) ? renderSystemMessage(message.code, message.params, locale) : entry.line;
}

/** Runs a live stream if the caller (user and IP) is under their limit of open streams; 429 otherwise. */
export async function limitedStream(serving: LogServing, userId: string, request: Request, stream: () => Promise<void>): Promise<void> {
  const slot = serving.limiter.acquire(userId, request.ip ?? request.socket.remoteAddress ?? 'unknown');
  if ('refused' in slot) throw new HttpProblem(429, 'too_many_streams', { max: slot.max }, undefined, { 'retry-after': '10' });
  try {
    await stream();
  } finally {
    slot.release();
  }
}

/** A page of a log stream (oldest first), or the stream live over SSE (`follow`, or Accept: text/event-stream). */
export async function serveLog(serving: LogServing, userId: string, key: string, query: LogQuery, request: Request, response: Response): Promise<void> {
  const locale = query.lang ?? negotiateLocale(request.headers['accept-language']);
  if (wantsStream(request, query.follow)) {
    await limitedStream(serving, userId, request, () =>
      streamSse(request, response, {
        store: serving.store,
        key,
        after: lastEventId(request) ?? query.after,
        backlog: query.limit,
        gapLine: renderSystemMessage('lines_skipped', {}, locale),
        event: (entry) => ({ name: 'log', data: { ts: entry.ts, stream: entry.stream, line: lineIn(entry, locale) } }),
      }),
    );
    return;
  }
  const items = query.after ? await serving.store.read(key, { after: query.after, limit: query.limit }) : await serving.store.tail(key, query.limit);
  response.json({ items: items.map((entry) => ({ id: entry.id, ts: entry.ts, stream: entry.stream, line: lineIn(entry, locale) })) });
}

export function lastEventId(request: Request): string | undefined {
  const header = request.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && isStreamId(value) ? value : undefined;
}
