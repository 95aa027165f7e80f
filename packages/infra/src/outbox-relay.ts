import type { OutboxRepository } from '@zapdeploy/db';
import type { MessageBus, MessageDef } from '@zapdeploy/messaging';
import { Periodic } from './periodic.js';

/** Publishes outbox rows to the bus, in order, at least once. */
export class OutboxRelay {
  private readonly loop: Periodic;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: MessageBus,
    private readonly catalog: readonly MessageDef[],
    intervalMs: number,
    onError: (error: unknown) => void,
  ) {
    this.loop = new Periodic(() => this.drain(), intervalMs, onError);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
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
}
