import type { Redis } from 'ioredis';
import { compareIds, type LogMessage, type LogStream, type StoredLogEntry } from './log-store.js';

export type RawEntry = [id: string, fields: string[]];

export function decode([id, fields]: RawEntry): StoredLogEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  const entry = { id, ts: map.get('ts') ?? '', stream: (map.get('stream') ?? 'stdout') as LogStream, line: map.get('line') ?? '' };
  const message = map.get('message');
  if (!message) return entry;
  try {
    return { ...entry, message: JSON.parse(message) as LogMessage };
  } catch {
    return entry; // the line says it in pt-BR all the same
  }
}

type Waiter = {
  readonly key: string;
  readonly after: string;
  readonly resolve: (entries: StoredLogEntry[]) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
};

/** How long one XREAD blocks (waiters time out on their own). */
const BLOCK_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

/**
 * Every waiting reader of a process shares one blocking Redis connection: a loop runs XREAD BLOCK over all the
 * streams someone waits on (from the oldest position any of them waits after) and wakes each waiter with what is
 * new for it. A waiter arriving while the loop blocks interrupts it (CLIENT UNBLOCK) so that its stream joins.
 */
export class BlockingReadHub {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private connection: Redis | undefined;
  private connectionId: number | undefined;
  private running = false;
  private reading = false;
  private changed = false;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly connectionName: string,
  ) {}

  /** Entries of `key` after `after`, as soon as there are any; [] after `timeoutMs` or on abort. */
  wait(key: string, after: string, timeoutMs: number, signal: AbortSignal): Promise<StoredLogEntry[]> {
    if (this.closed || signal.aborted) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const done = () => {
        this.remove(waiter);
        resolve([]);
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      const waiter: Waiter = {
        key,
        after,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
        },
      };
      const set = this.waiters.get(key) ?? new Set<Waiter>();
      set.add(waiter);
      this.waiters.set(key, set);
      this.changed = true;
      this.wake?.();
      if (!this.running) void this.loop();
      else if (this.reading) void this.interrupt();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.waiters.values()) for (const waiter of set) this.settle(waiter, []);
    this.waiters.clear();
    this.wake?.();
    this.connection?.disconnect();
    this.connection = undefined;
  }

  private remove(waiter: Waiter): void {
    waiter.cleanup();
    const set = this.waiters.get(waiter.key);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(waiter.key);
  }

  private settle(waiter: Waiter, entries: StoredLogEntry[]): void {
    this.remove(waiter);
    waiter.resolve(entries);
  }

  private async loop(): Promise<void> {
    this.running = true;
    let backoff = 0;
    try {
      while (!this.closed) {
        if (this.waiters.size === 0) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = undefined;
          continue;
        }
        this.reading = true;
        const keys = [...this.waiters.keys()];
        const positions = keys.map((key) => {
          let oldest: string | undefined;
          for (const waiter of this.waiters.get(key) ?? []) if (oldest === undefined || compareIds(waiter.after, oldest) < 0) oldest = waiter.after;
          return oldest ?? '0-0';
        });
        this.changed = false;
        let result: [string, RawEntry[]][] | null;
        try {
          const connection = await this.open();
          result = (await connection.xread('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...positions)) as [string, RawEntry[]][] | null;
          backoff = 0;
        } catch (error) {
          if (this.closed) return;
          // UNBLOCKED: interrupted to let a new waiter in.
          if (String(error).includes('UNBLOCKED')) continue;
          for (const key of keys) for (const waiter of [...(this.waiters.get(key) ?? [])]) this.fail(waiter, error);
          this.dropConnection();
          backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? 100 : backoff * 2);
          await new Promise((resolve) => setTimeout(resolve, backoff));
          continue;
        } finally {
          this.reading = false;
        }
        for (const [key, raw] of result ?? []) {
          const entries = raw.map(decode);
          for (const waiter of [...(this.waiters.get(key) ?? [])]) {
            const fresh = entries.filter((entry) => compareIds(entry.id, waiter.after) > 0);
            if (fresh.length > 0) this.settle(waiter, fresh);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private fail(waiter: Waiter, error: unknown): void {
    this.remove(waiter);
    waiter.reject(error);
  }

  /** Makes the blocked XREAD return so that the streams of new waiters join (retried until it lands, or the read ends). */
  private async interrupt(): Promise<void> {
    for (let attempt = 0; attempt < 1000 && this.reading && this.changed; attempt++) {
      const unblocked = this.connectionId === undefined ? 0 : await this.redis.client('UNBLOCK', this.connectionId, 'ERROR').catch(() => 0);
      if (unblocked === 1) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  private async open(): Promise<Redis> {
    if (this.connection) return this.connection;
    const connection = this.redis.duplicate({ connectionName: this.connectionName, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    connection.on('error', () => undefined); // reported to the waiters by the failed read
    try {
      await connection.connect();
      this.connectionId = Number(await connection.client('ID'));
    } catch (error) {
      connection.disconnect();
      throw error;
    }
    this.connection = connection;
    return connection;
  }

  private dropConnection(): void {
    this.connection?.disconnect();
    this.connection = undefined;
    this.connectionId = undefined;
  }
}
