export type LogStream = 'stdout' | 'stderr' | 'system' | 'build';

/** What the platform said, as a code and its parameters (`@zapdeploy/contracts` system messages): readers say it in their language. */
export type LogMessage = { readonly code: string; readonly params: Readonly<Record<string, string | number>> };

export type LogEntry = { readonly ts: string; readonly stream: LogStream; readonly line: string; readonly message?: LogMessage };

/** The stored form of an entry's message ('' when it has none). */
export function encodeMessage(entry: LogEntry): string {
  return entry.message ? JSON.stringify(entry.message) : '';
}

/** An entry with its position in the stream (`<ms>-<seq>`, ordered; used as the SSE event id). */
export type StoredLogEntry = LogEntry & { readonly id: string };

/**
 * Bounded, ordered streams of lines: one per instance, one per deployment, one of events per user.
 * Redis Streams in full mode, memory in embedded mode.
 */
export interface LogStore {
  readonly kind: 'redis' | 'memory';
  append(key: string, entries: readonly LogEntry[]): Promise<void>;
  /** Entries strictly after `after` (from the start when absent), oldest first. */
  read(key: string, options: { readonly after?: string; readonly limit: number }): Promise<StoredLogEntry[]>;
  /** Position of the oldest entry still kept (older ones were trimmed), undefined when empty. */
  oldestId(key: string): Promise<string | undefined>;
  /** The last `limit` entries, oldest first. */
  tail(key: string, limit: number): Promise<StoredLogEntry[]>;
  /** Waits up to `timeoutMs` for entries after `after` ('$' = only new ones); [] on timeout or abort. */
  wait(key: string, after: string, timeoutMs: number, signal: AbortSignal): Promise<StoredLogEntry[]>;
  /** Deletes these streams (an instance or deployment that is gone). */
  remove(keys: readonly string[]): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How many entries each stream keeps (oldest trimmed first). */
export const DEFAULT_MAX_ENTRIES = 50_000;

/** Bounds of every stream: entries, and bytes of entries (timestamp + stream name + line); the oldest go first. */
export type LogStoreLimits = { readonly maxEntries: number; readonly maxBytes: number };

export const DEFAULT_LIMITS: LogStoreLimits = { maxEntries: DEFAULT_MAX_ENTRIES, maxBytes: 16 * 1024 * 1024 };

/** The bytes an entry counts for in a stream's budget. */
export function entryBytes(entry: LogEntry): number {
  return Buffer.byteLength(entry.ts) + Buffer.byteLength(entry.stream) + Buffer.byteLength(entry.line) + Buffer.byteLength(encodeMessage(entry));
}

export const logKeys = {
  instance: (instanceId: string) => `logs:instance:${instanceId}`,
  deployment: (deploymentId: string) => `logs:deployment:${deploymentId}`,
  userEvents: (userId: string) => `events:user:${userId}`,
  /** WhatsApp pairing state of an instance (last entry = current). */
  whatsapp: (instanceId: string) => `whatsapp:${instanceId}`,
};

export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

export function isStreamId(value: string): boolean {
  return /^\d{1,16}-\d{1,10}$/.test(value);
}
