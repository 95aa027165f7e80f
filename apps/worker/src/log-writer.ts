import type { LogEntry, LogStore, LogStream } from '@zapdeploy/logstore';
import { FloodGate } from './flood-gate.js';

/**
 * Buffers lines for one log stream and appends them in batches (one round trip per batch), through a
 * flood gate: dropped lines are announced by a system line saying how many.
 */
export class LogWriter {
  private buffer: LogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly gate: FloodGate;

  constructor(
    private readonly store: LogStore,
    private readonly key: string,
    private readonly options: { readonly linesPerSecond: number; readonly flushMs?: number; readonly maxBatch?: number },
  ) {
    this.gate = new FloodGate(options.linesPerSecond);
  }

  write(stream: LogStream, line: string, ts = new Date().toISOString()): void {
    if (stream !== 'system' && !this.gate.admit()) {
      this.schedule();
      return;
    }
    this.buffer.push({ ts, stream, line });
    if (this.buffer.length >= (this.options.maxBatch ?? 1000)) void this.flush();
    else this.schedule();
  }

  /** Appends what is buffered (and the count of dropped lines); resolves when stored or put back. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One flush at a time, each taking the buffer when it runs: a batch that fails goes back in front of
    // newer lines before anything else is sent, so order survives a store outage.
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const dropped = this.gate.takeDropped();
    if (dropped > 0) {
      this.buffer.push({
        ts: new Date().toISOString(),
        stream: 'system',
        line: `[zapdeploy] ${dropped} linha(s) descartada(s): o bot escreveu mais de ${this.options.linesPerSecond} linhas/s`,
      });
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      await this.store.append(this.key, batch);
    } catch {
      // Store away: keep the batch, in front, and try again shortly. Nothing is lost while the worker lives.
      this.buffer = [...batch, ...this.buffer];
      this.timer ??= setTimeout(() => void this.flush(), 500);
    }
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 50);
  }
}
