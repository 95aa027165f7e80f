import { renderSystemMessage } from '@zapdeploy/contracts';
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
  /** Said when the reader fell behind the stream's bound (in the reader's language). */
  readonly gapLine?: string;
};

/**
 * Streams a log store key as Server-Sent Events until the client goes away: event id = position, so a
 * reconnecting EventSource resumes with Last-Event-ID and loses nothing still in the stream.
 */
export async function streamSse(request: Request, response: Response, options: SseOptions): Promise<void> {
  const controller = new AbortController();
  request.on('close', () => controller.abort());
  const events = (entries: StoredLogEntry[]) => {
    let chunk = '';
    for (const entry of entries) {
      const event = options.event(entry);
      chunk += `id: ${entry.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`;
    }
    return chunk;
  };
  // Read what comes first before answering: a store that is down answers an error, not an empty stream.
  let cursor: string = options.after ?? '$';
  let first: StoredLogEntry[] = [];
  if (options.after === undefined) {
    first = options.backlog > 0 ? await options.store.tail(options.key, options.backlog) : [];
    cursor = first.at(-1)?.id ?? (await options.store.tail(options.key, 1)).at(-1)?.id ?? '0-0';
  } else {
    first = await options.store.read(options.key, { after: cursor, limit: 1000 });
  }
  response.status(200);
  response.setHeader('content-type', 'text/event-stream; charset=utf-8');
  response.setHeader('cache-control', 'no-cache, no-transform');
  response.setHeader('connection', 'keep-alive');
  response.setHeader('x-accel-buffering', 'no');
  response.flushHeaders();
  response.write('retry: 2000\n\n');
  const send = (entries: StoredLogEntry[]) => {
    if (entries.length > 0) response.write(events(entries));
  };
  const backoff = new Backoff(controller.signal);
  try {
    send(first);
    if (options.after !== undefined) {
      // Resume: everything after the client's last position still in the stream.
      let page = first;
      cursor = page.at(-1)?.id ?? cursor;
      while (page.length === 1000) {
        page = await options.store.read(options.key, { after: cursor, limit: 1000 });
        send(page);
        cursor = page.at(-1)?.id ?? cursor;
      }
    }
    while (!controller.signal.aborted) {
      // A reader slower than the stream's bound loses the oldest lines: say so, never skip them silently.
      const oldest = await options.store.oldestId(options.key).catch(() => undefined);
      if (oldest && cursor !== '0-0' && cursor !== '$' && compareIds(cursor, oldest) < 0) {
        response.write(
          `event: ${options.gapEvent ?? 'log'}\ndata: ${JSON.stringify({ ts: new Date().toISOString(), stream: 'system', line: options.gapLine ?? renderSystemMessage('lines_skipped', {}) })}\n\n`,
        );
      }
      let entries: StoredLogEntry[];
      try {
        entries = await options.store.wait(options.key, cursor, KEEP_ALIVE_MS, controller.signal);
        backoff.reset();
      } catch {
        // The store is away: wait longer each time before asking again (never a busy loop against it).
        response.write(': waiting for the log store\n\n');
        await backoff.wait();
        continue;
      }
      if (controller.signal.aborted) break;
      if (entries.length === 0) {
        response.write(': keep-alive\n\n');
        continue;
      }
      send(entries);
      cursor = entries.at(-1)?.id ?? cursor;
    }
  } catch {
    // The store failed mid-resume: the client reconnects (retry) and resumes from its last event id.
  }
  response.end();
}

/** Exponential backoff (250 ms doubling up to 5 s) that an abort cuts short. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly signal: AbortSignal,
    private readonly firstMs = 250,
    private readonly maxMs = 5_000,
  ) {}

  reset(): void {
    this.failures = 0;
  }

  wait(): Promise<void> {
    const ms = Math.min(this.maxMs, this.firstMs * 2 ** this.failures);
    this.failures += 1;
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
    });
  }
}

export function wantsStream(request: Request, follow: string | undefined): boolean {
  return follow === '1' || follow === 'true' || (request.headers.accept ?? '').includes('text/event-stream');
}
