import { EventEmitter } from 'node:events';
import { compareIds, DEFAULT_LIMITS, entryBytes, type LogEntry, type LogStore, type LogStoreLimits, type StoredLogEntry } from './log-store.js';

/** In-process log store for embedded mode. Ids follow the Redis Stream format. */
export class MemoryLogStore implements LogStore {
  readonly kind = 'memory' as const;
  private readonly streams = new Map<string, StoredLogEntry[]>();
  private readonly bytes = new Map<string, number>();
  private readonly limits: LogStoreLimits;
  private readonly events = new EventEmitter().setMaxListeners(0);
  private lastMs = 0;
  private seq = 0;

  constructor(limits: Partial<LogStoreLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  async append(key: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const stream = this.streams.get(key) ?? [];
    let bytes = this.bytes.get(key) ?? 0;
    for (const entry of entries) {
      stream.push({ ...entry, id: this.nextId() });
      bytes += entryBytes(entry);
    }
    // The oldest go first, down to both bounds (the newest entry always stays).
    let drop = 0;
    while (stream.length - drop > 1 && (stream.length - drop > this.limits.maxEntries || bytes > this.limits.maxBytes)) {
      bytes -= entryBytes(stream[drop] as StoredLogEntry);
      drop += 1;
    }
    if (drop > 0) stream.splice(0, drop);
    this.streams.set(key, stream);
    this.bytes.set(key, bytes);
    this.events.emit(key);
  }

  async remove(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      this.streams.delete(key);
      this.bytes.delete(key);
    }
  }

  async read(key: string, options: { after?: string; limit: number }): Promise<StoredLogEntry[]> {
    const stream = this.streams.get(key) ?? [];
    const after = options.after;
    const start = after ? stream.findIndex((entry) => compareIds(entry.id, after) > 0) : 0;
    return start < 0 ? [] : stream.slice(start, start + options.limit);
  }

  async oldestId(key: string): Promise<string | undefined> {
    return this.streams.get(key)?.[0]?.id;
  }

  async tail(key: string, limit: number): Promise<StoredLogEntry[]> {
    return (this.streams.get(key) ?? []).slice(-limit);
  }

  async wait(key: string, after: string, timeoutMs: number, signal: AbortSignal): Promise<StoredLogEntry[]> {
    const from = after === '$' ? (this.streams.get(key)?.at(-1)?.id ?? '0-0') : after;
    const ready = await this.read(key, { after: from, limit: 5000 });
    if (ready.length > 0 || signal.aborted) return ready;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(key, done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.events.on(key, done);
      signal.addEventListener('abort', done);
    });
    return this.read(key, { after: from, limit: 5000 });
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }

  private nextId(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq += 1;
    }
    return `${this.lastMs}-${this.seq}`;
  }
}
