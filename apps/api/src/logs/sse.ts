import { compareIds, type LogStore, type StoredLogEntry } from '@zapdeploy/logstore';
import type { Request, Response } from 'express';

const KEEP_ALIVE_MS = 15_000;

export type SseOptions = {
  readonly store: LogStore;
  readonly key: string;
  /** Where to resume (Last-Event-ID or ?after); without it: `backlog` recent entries, then live. */
  readonly after: string | undefined;
  readonly backlog: number;
  readonly event: (entry: StoredLogEntry) => { readonly name: string; readonly data: unknown };
  /** Event name of the notice sent when the reader fell behind the stream's bound. */
  readonly gapEvent?: string;
};

/**
 * Streams a log store key as Server-Sent Events until the client goes away: event id = position, so a
 * reconnecting EventSource resumes with Last-Event-ID and loses nothing still in the stream.
 */
export async function streamSse(request: Request, response: Response, options: SseOptions): Promise<void> {
  response.status(200);
  response.setHeader('content-type', 'text/event-stream; charset=utf-8');
  response.setHeader('cache-control', 'no-cache, no-transform');
  response.setHeader('connection', 'keep-alive');
  response.setHeader('x-accel-buffering', 'no');
  response.flushHeaders();
  response.write('retry: 2000\n\n');
  const controller = new AbortController();
  request.on('close', () => controller.abort());
  const send = (entries: StoredLogEntry[]) => {
    if (entries.length === 0) return;
    let chunk = '';
    for (const entry of entries) {
      const event = options.event(entry);
      chunk += `id: ${entry.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`;
    }
    response.write(chunk);
  };
  let cursor: string = options.after ?? '$';
  if (options.after === undefined) {
    const backlog = options.backlog > 0 ? await options.store.tail(options.key, options.backlog) : [];
    send(backlog);
    cursor = backlog.at(-1)?.id ?? (await options.store.tail(options.key, 1)).at(-1)?.id ?? '0-0';
  } else {
    // Resume: everything after the client's last position still in the stream.
    for (;;) {
      const page: StoredLogEntry[] = await options.store.read(options.key, { after: cursor, limit: 1000 });
      send(page);
      cursor = page.at(-1)?.id ?? cursor;
      if (page.length < 1000) break;
    }
  }
  while (!controller.signal.aborted) {
    // A reader slower than the stream's bound loses the oldest lines: say so, never skip them silently.
    const oldest = await options.store.oldestId(options.key).catch(() => undefined);
    if (oldest && cursor !== '0-0' && cursor !== '$' && compareIds(cursor, oldest) < 0) {
      response.write(
        `event: ${options.gapEvent ?? 'log'}\ndata: ${JSON.stringify({ ts: new Date().toISOString(), stream: 'system', line: '[zapdeploy] linhas antigas saíram do histórico antes de chegar aqui (o bot escreveu mais rápido do que a conexão leu)' })}\n\n`,
      );
    }
    const entries: StoredLogEntry[] = await options.store.wait(options.key, cursor, KEEP_ALIVE_MS, controller.signal).catch(() => []);
    if (controller.signal.aborted) break;
    if (entries.length === 0) {
      response.write(': keep-alive\n\n');
      continue;
    }
    send(entries);
    cursor = entries.at(-1)?.id ?? cursor;
  }
  response.end();
}

export function wantsStream(request: Request, follow: string | undefined): boolean {
  return follow === '1' || follow === 'true' || (request.headers.accept ?? '').includes('text/event-stream');
}
