import { renderSystemMessage, type SystemMessageCode, type SystemMessageParams } from '@zapdeploy/contracts';
import { entryBytes, type LogEntry, type LogStore, type LogStream } from '@zapdeploy/logstore';
import { FloodGate } from './flood-gate.js';

export type LogWriterOptions = {
  readonly linesPerSecond: number;
  readonly flushMs?: number;
  readonly maxBatch?: number;
  /** What may wait in memory while the store is away: past either bound the oldest lines are dropped (and counted). */
  readonly maxBufferedLines?: number;
  readonly maxBufferedBytes?: number;
};

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;

/**
 * Buffers lines for one log stream and appends them in batches (one round trip per batch), through a
 * flood gate: dropped lines are announced by a system line saying how many. While the store is away the
 * buffer is bounded; lines lost that way are announced too once it is back.
 */
export class LogWriter {
  private buffer: LogEntry[] = [];
  private bufferedBytes = 0;
  private lostWhileAway = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private failures = 0;
  private queued = false;
  private readonly gate: FloodGate;
  private readonly maxLines: number;
  private readonly maxBytes: number;

  constructor(
    private readonly store: LogStore,
    private readonly key: string,
    private readonly options: LogWriterOptions,
  ) {
    this.gate = new FloodGate(options.linesPerSecond);
    this.maxLines = options.maxBufferedLines ?? 20_000;
    this.maxBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  }

  write(stream: LogStream, line: string, ts = new Date().toISOString()): void {
    if (stream !== 'system' && !this.gate.admit()) {
      this.schedule();
      return;
    }
    this.push({ ts, stream, line });
    if (this.failures > 0) return; // the retry timer flushes once the store answers again
    if (this.buffer.length >= (this.options.maxBatch ?? 1000)) void this.flush();
    else this.schedule();
  }

  /** What waits in memory to be stored. */
  buffered(): { readonly lines: number; readonly bytes: number } {
    return { lines: this.buffer.length, bytes: this.bufferedBytes };
  }

  /** Appends what is buffered (and the count of dropped lines); resolves when stored or put back. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One flush at a time, each taking the buffer when it runs: a batch that fails goes back in front of
    // newer lines before anything else is sent, so order survives a store outage.
    // A flush already waiting its turn takes everything buffered when it runs: no need for another.
    if (this.queued) return this.flushing;
    this.queued = true;
    this.flushing = this.flushing.then(() => {
      this.queued = false;
      return this.flushNow();
    });
    return this.flushing;
  }

  private push(entry: LogEntry): void {
    this.buffer.push(entry);
    this.bufferedBytes += entryBytes(entry);
    this.trim();
  }

  /** Drops the oldest lines past the buffer's bounds (only a store outage lets it grow that far). */
  private trim(): void {
    let drop = 0;
    while (drop < this.buffer.length - 1 && (this.buffer.length - drop > this.maxLines || this.bufferedBytes > this.maxBytes)) {
      this.bufferedBytes -= entryBytes(this.buffer[drop] as LogEntry);
      drop += 1;
    }
    if (drop === 0) return;
    this.buffer.splice(0, drop);
    this.lostWhileAway += drop;
  }

  private async flushNow(): Promise<void> {
    const dropped = this.gate.takeDropped();
    if (dropped > 0) {
      this.push(said('lines_dropped', { count: dropped, perSecond: this.options.linesPerSecond }));
    }
    if (this.buffer.length === 0) return;
    const lost = this.lostWhileAway;
    const batch = lost > 0 ? [said('lines_lost', { count: lost }), ...this.buffer] : this.buffer;
    const batchBytes = this.bufferedBytes;
    this.buffer = [];
    this.bufferedBytes = 0;
    this.lostWhileAway = 0;
    try {
      await this.store.append(this.key, batch);
      this.failures = 0;
    } catch {
      // Store away: keep the batch, in front, and try again later and later. Bounded: the oldest go first.
      this.buffer = [...(lost > 0 ? batch.slice(1) : batch), ...this.buffer];
      this.bufferedBytes += batchBytes;
      this.lostWhileAway += lost;
      this.trim();
      this.failures += 1;
      this.timer ??= setTimeout(() => void this.flush(), Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1)));
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 50);
  }
}

/** A line of the platform's own: pt-BR text, and the code readers say in their language. */
function said(code: SystemMessageCode, params: SystemMessageParams): LogEntry {
  return { ts: new Date().toISOString(), stream: 'system', line: renderSystemMessage(code, params), message: { code, params } };
}
