import { isDecodableQrPng, type QrDrawing } from '@zapdeploy/domain';
import { Piscina } from 'piscina';
import type { DecodeTask } from './decode-task.js';

export type QrDecoderOptions = {
  /** Threads decoding at once (each decoding is single-threaded). */
  readonly threads?: number;
  /** Longest one decoding may take, queueing included; past it the thread is ended and the attempt gives up. */
  readonly deadlineMs?: number;
  /** Decodings waiting for a thread; more are refused (the watcher keeps at most one per instance anyway). */
  readonly maxQueue?: number;
  /** Told when a decoding fails for another reason than its deadline (a thread that crashed). */
  readonly onError?: (error: unknown) => void;
};

const TASK = new URL('./decode-task.ts', import.meta.url).href;

/**
 * Decodes QR drawings and images off the event loop, on a small pool of worker threads (Piscina), each
 * decoding with a deadline: a bot's output can make jsQR search for seconds, and one bot must not stall
 * the worker that follows everyone's logs.
 */
export class QrDecoder {
  private pool: Piscina<DecodeTask, string | null> | undefined;
  private closed = false;
  private readonly deadlineMs: number;

  constructor(private readonly options: QrDecoderOptions = {}) {
    this.deadlineMs = options.deadlineMs ?? 5_000;
  }

  /** The payload of the first of the drawing's attempts that reads as a QR code. */
  async decodeDrawing(drawing: QrDrawing): Promise<string | undefined> {
    for (const attempt of drawing.attempts) {
      const payload = await this.run({ kind: 'attempt', attempt });
      if (payload) return payload;
    }
    return undefined;
  }

  /** The payload of a QR image; its header is checked first (size), so a huge image is never decoded. */
  async decodePng(png: Buffer): Promise<string | undefined> {
    if (!isDecodableQrPng(png)) return undefined;
    return this.run({ kind: 'png', png: new Uint8Array(png) });
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private async run(task: DecodeTask): Promise<string | undefined> {
    if (this.closed) return undefined;
    try {
      return (await this.threads().run(task, { signal: AbortSignal.timeout(this.deadlineMs) })) ?? undefined;
    } catch (error) {
      if (!isAbort(error)) this.options.onError?.(error);
      return undefined;
    }
  }

  /** Started at the first decoding (most workers never see a QR code), then kept warm. */
  private threads(): Piscina<DecodeTask, string | null> {
    this.pool ??= new Piscina({
      filename: TASK,
      minThreads: 1,
      maxThreads: this.options.threads ?? 1,
      maxQueue: this.options.maxQueue ?? 256,
      execArgv: threadExecArgv(),
      // Inputs are bounded (QR_LIMITS, QR_PNG_LIMITS); this stops a thread that would still grow past them.
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32 },
    });
    return this.pool;
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/**
 * The pool's threads load TypeScript like the process does: under `node --import tsx` they inherit it;
 * elsewhere (the test runner) tsx is added.
 */
function threadExecArgv(): string[] {
  const argv = process.execArgv;
  return argv.some((arg) => /(^|[=/\\])tsx([/\\]|$)/.test(arg)) ? [...argv] : [...argv, '--import', import.meta.resolve('tsx')];
}
