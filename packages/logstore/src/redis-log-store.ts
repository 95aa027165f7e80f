import type { Redis } from 'ioredis';
import { DEFAULT_MAX_ENTRIES, type LogEntry, type LogStore, type LogStream, type StoredLogEntry } from './log-store.js';

type RawEntry = [id: string, fields: string[]];

/** Redis Streams: XADD with approximate MAXLEN trimming, XRANGE/XREVRANGE, XREAD BLOCK on a duplicate connection. */
export class RedisLogStore implements LogStore {
  readonly kind = 'redis' as const;
  private readonly blocking: Redis[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  async append(key: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const entry of entries) {
      pipeline.xadd(this.key(key), 'MAXLEN', '~', String(this.maxEntries), '*', 'ts', entry.ts, 'stream', entry.stream, 'line', entry.line);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  async read(key: string, options: { after?: string; limit: number }): Promise<StoredLogEntry[]> {
    const start = options.after ? `(${options.after}` : '-';
    const raw = (await this.redis.xrange(this.key(key), start, '+', 'COUNT', options.limit)) as RawEntry[];
    return raw.map(decode);
  }

  async oldestId(key: string): Promise<string | undefined> {
    const raw = (await this.redis.xrange(this.key(key), '-', '+', 'COUNT', 1)) as RawEntry[];
    return raw[0]?.[0];
  }

  async tail(key: string, limit: number): Promise<StoredLogEntry[]> {
    const raw = (await this.redis.xrevrange(this.key(key), '+', '-', 'COUNT', limit)) as RawEntry[];
    return raw.map(decode).reverse();
  }

  async wait(key: string, after: string, timeoutMs: number, signal: AbortSignal): Promise<StoredLogEntry[]> {
    if (signal.aborted) return [];
    const connection = this.redis.duplicate();
    this.blocking.push(connection);
    const abort = () => connection.disconnect();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const result = (await connection.xread('COUNT', 5000, 'BLOCK', timeoutMs, 'STREAMS', this.key(key), after)) as [string, RawEntry[]][] | null;
      return result?.[0]?.[1].map(decode) ?? [];
    } catch (error) {
      if (signal.aborted) return [];
      throw error;
    } finally {
      signal.removeEventListener('abort', abort);
      connection.disconnect();
      this.blocking.splice(this.blocking.indexOf(connection), 1);
    }
  }

  async ping(): Promise<void> {
    if ((await this.redis.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
  }

  async close(): Promise<void> {
    for (const connection of this.blocking.splice(0)) connection.disconnect();
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }
}

function decode([id, fields]: RawEntry): StoredLogEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] ?? '', fields[i + 1] ?? '');
  return { id, ts: map.get('ts') ?? '', stream: (map.get('stream') ?? 'stdout') as LogStream, line: map.get('line') ?? '' };
}
