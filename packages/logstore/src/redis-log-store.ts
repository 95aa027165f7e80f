import type { Redis } from 'ioredis';
import { BlockingReadHub, decode, type RawEntry } from './blocking-read-hub.js';
import { DEFAULT_LIMITS, encodeMessage, type LogEntry, type LogStore, type LogStoreLimits, type StoredLogEntry } from './log-store.js';

/**
 * Appends a batch and trims the stream to its bounds in one step: at most ARGV[1] entries and ARGV[2] bytes of
 * entries (ts + stream + line), the oldest going first. The byte count of a stream lives next to it (KEYS[2]).
 */
const APPEND = `
local maxEntries = tonumber(ARGV[1])
local maxBytes = tonumber(ARGV[2])
local added = 0
for i = 3, #ARGV, 4 do
  if ARGV[i + 3] == '' then
    redis.call('XADD', KEYS[1], '*', 'ts', ARGV[i], 'stream', ARGV[i + 1], 'line', ARGV[i + 2])
  else
    redis.call('XADD', KEYS[1], '*', 'ts', ARGV[i], 'stream', ARGV[i + 1], 'line', ARGV[i + 2], 'message', ARGV[i + 3])
  end
  added = added + #ARGV[i] + #ARGV[i + 1] + #ARGV[i + 2] + #ARGV[i + 3]
end
local bytes = redis.call('INCRBY', KEYS[2], added)
local length = redis.call('XLEN', KEYS[1])
if length <= maxEntries and bytes <= maxBytes then return bytes end
local cursor = '-'
local keep = nil
while keep == nil do
  local batch = redis.call('XRANGE', KEYS[1], cursor, '+', 'COUNT', 512)
  if #batch == 0 then break end
  for _, entry in ipairs(batch) do
    if (length <= maxEntries and bytes <= maxBytes) or length <= 1 then
      keep = entry[1]
      break
    end
    local fields = entry[2]
    for j = 2, #fields, 2 do bytes = bytes - #fields[j] end
    length = length - 1
  end
  cursor = '(' .. batch[#batch][1]
end
if keep ~= nil then redis.call('XTRIM', KEYS[1], 'MINID', keep) end
redis.call('SET', KEYS[2], bytes)
return bytes
`;

/**
 * Redis Streams, bounded by lines and by bytes (a Lua script appends and trims in one step); XRANGE/XREVRANGE to
 * read; waiting readers share one blocking connection (BlockingReadHub) instead of opening one each.
 */
export class RedisLogStore implements LogStore {
  readonly kind = 'redis' as const;
  private readonly limits: LogStoreLimits;
  private readonly hub: BlockingReadHub;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    limits: Partial<LogStoreLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.hub = new BlockingReadHub(redis, `${prefix}:blocking-reads`);
  }

  async append(key: string, entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const args: string[] = [String(this.limits.maxEntries), String(this.limits.maxBytes)];
    for (const entry of entries) args.push(entry.ts, entry.stream, entry.line, encodeMessage(entry));
    await this.redis.eval(APPEND, 2, this.key(key), this.bytesKey(key), ...args);
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
    const from = after === '$' ? (((await this.redis.xrevrange(this.key(key), '+', '-', 'COUNT', 1)) as RawEntry[])[0]?.[0] ?? '0-0') : after;
    return this.hub.wait(this.key(key), from, timeoutMs, signal);
  }

  async remove(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.del(...keys.flatMap((key) => [this.key(key), this.bytesKey(key)]));
  }

  async ping(): Promise<void> {
    if ((await this.redis.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
  }

  async close(): Promise<void> {
    await this.hub.close();
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  private bytesKey(key: string): string {
    return `${this.prefix}:${key}:bytes`;
  }
}
