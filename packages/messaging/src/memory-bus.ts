import type { z } from 'zod';
import { type ConsumeOptions, decode, type Handler, type MessageBus, type MessageDef, routingKey } from './bus.js';

export type DeliveredMessage = { readonly routingKey: string; readonly payload: unknown };

/** In-process bus for embedded mode: delivers asynchronously to local consumers, retrying failures a few times. */
export class MemoryBus implements MessageBus {
  readonly kind = 'memory' as const;
  private readonly listeners = new Set<(message: DeliveredMessage) => void>();
  readonly deadLetters: { queue: string; routingKey: string; payload: unknown; error: string }[] = [];
  /** Each consuming queue's delivery, for re-drives. */
  private readonly queues = new Map<string, (message: DeliveredMessage) => void>();

  async publish<S extends z.ZodType>(def: MessageDef<S>, payload: z.infer<S>): Promise<void> {
    const message = { routingKey: routingKey(def), payload: def.schema.parse(payload) };
    for (const listener of this.listeners) listener(message);
  }

  onMessage(listener: (message: DeliveredMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async consume(queue: string, defs: readonly MessageDef[], handler: Handler, options: ConsumeOptions = {}): Promise<() => Promise<void>> {
    const keys = new Set(defs.map(routingKey));
    const dead = (message: DeliveredMessage, error: string) => {
      this.deadLetters.push({ queue, ...message, error });
      options.onDeadLetter?.({ queue, routingKey: message.routingKey, reason: error });
    };
    const deliver = async (message: DeliveredMessage, attempt: number): Promise<void> => {
      const decoded = decode(defs, message.routingKey, message.payload);
      if (!decoded.ok) {
        dead(message, decoded.error);
        return;
      }
      try {
        await handler(message.routingKey, decoded.value);
      } catch (error) {
        if (attempt >= 5) dead(message, String(error));
        else setTimeout(() => void deliver(message, attempt + 1), 100 * 2 ** attempt);
      }
    };
    const enqueue = (message: DeliveredMessage) => setImmediate(() => void deliver(message, 1));
    this.queues.set(queue, enqueue);
    const off = this.onMessage((message) => {
      if (keys.has(message.routingKey)) enqueue(message);
    });
    return async () => {
      off();
      if (this.queues.get(queue) === enqueue) this.queues.delete(queue);
    };
  }

  async deadLetterCount(queue: string): Promise<number> {
    return this.deadLetters.filter((letter) => letter.queue === queue).length;
  }

  async redrive(queue: string, limit = 1000): Promise<number> {
    const enqueue = this.queues.get(queue);
    if (!enqueue) return 0;
    let moved = 0;
    for (let i = 0; i < this.deadLetters.length && moved < limit; ) {
      const letter = this.deadLetters[i];
      if (letter?.queue !== queue) {
        i++;
        continue;
      }
      this.deadLetters.splice(i, 1);
      enqueue({ routingKey: letter.routingKey, payload: letter.payload });
      moved++;
    }
    return moved;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
