/**
 * Runs one job per key at a time, coalescing nudges that arrive while a job runs into one re-run.
 * A job answering 'retry' (e.g. another worker holds the lease) is tried again after a delay.
 */
export class KeyedScheduler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly job: (key: string) => Promise<'done' | 'retry'>,
    private readonly onError: (key: string, error: unknown) => void,
    private readonly retryDelayMs = 1_000,
    private readonly maxRetries = 60,
  ) {}

  nudge(key: string, attempt = 0): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = (async () => {
      let outcome: 'done' | 'retry' = 'done';
      try {
        outcome = await this.job(key);
      } catch (error) {
        this.onError(key, error);
        outcome = 'retry';
      } finally {
        this.running.delete(key);
      }
      if (this.again.delete(key)) this.nudge(key);
      else if (outcome === 'retry' && attempt < this.maxRetries) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.nudge(key, attempt + 1);
        }, this.retryDelayMs);
        this.timers.add(timer);
      }
    })();
    this.running.set(key, run);
  }

  isRunning(key: string): boolean {
    return this.running.has(key);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await Promise.allSettled([...this.running.values()]);
  }
}
