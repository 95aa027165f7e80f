import type { OutboxRepository } from '@zapdeploy/db';
import type { MessageBus, MessageDef } from '@zapdeploy/messaging';

/** Publishes outbox rows to the bus, in order, at least once. */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: MessageBus,
    private readonly catalog: readonly MessageDef[],
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

  /** Publishes what is pending now (tests and shutdown use it). */
  async drain(): Promise<void> {
    const publish = async (message: { name: string; version: number; payload: unknown }) => {
      const def = this.catalog.find((d) => d.name === message.name && d.version === message.version);
      if (!def) throw new Error(`outbox: no contract for ${message.name} v${message.version}`);
      await this.bus.publish(def, message.payload);
    };
    while ((await this.outbox.relay(publish)) > 0) {
      // keep going until empty
    }
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.drain()
      .catch(this.onError)
      .finally(() => {
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.intervalMs);
      });
  }
}
