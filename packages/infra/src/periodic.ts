/**
 * Runs a job now and then every `intervalMs` after each run ends (never two at once); `nudge` runs it again
 * as soon as the current run ends; `stop` waits for the run in progress.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = true;
  private again = false;

  constructor(
    private readonly job: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  nudge(): void {
    if (this.stopped) return;
    this.again = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.tick();
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.again = false;
    this.running = this.job()
      .then(() => undefined)
      .catch(this.onError)
      .finally(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.again ? 0 : this.intervalMs);
      });
  }
}
