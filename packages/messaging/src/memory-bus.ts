import type { z } from 'zod';
import { decode, type Handler, type MessageBus, type MessageDef, routingKey } from './bus.js';

export type DeliveredMessage = { readonly routingKey: string; readonly payload: unknown };

/** In-process bus for embedded mode: delivers asynchronously to local consumers, retrying failures a few times. */
export class MemoryBus implements MessageBus {
  readonly kind = 'memory' as const;
  private readonly listeners = new Set<(message: DeliveredMessage) => void>();
  readonly deadLetters: { routingKey: string; payload: unknown; error: string }[] = [];

  async publish<S extends z.ZodType>(def: MessageDef<S>, payload: z.infer<S>): Promise<void> {
    const message = { routingKey: routingKey(def), payload: def.schema.parse(payload) };
    for (const listener of this.listeners) listener(message);
  }

  onMessage(listener: (message: DeliveredMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async consume(_queue: string, defs: readonly MessageDef[], handler: Handler): Promise<() => Promise<void>> {
    const keys = new Set(defs.map(routingKey));
    const deliver = async (message: DeliveredMessage, attempt: number): Promise<void> => {
      const decoded = decode(defs, message.routingKey, message.payload);
      if (!decoded.ok) {
        this.deadLetters.push({ ...message, error: decoded.error });
        return;
      }
      try {
        await handler(message.routingKey, decoded.value);
      } catch (error) {
        if (attempt >= 5) this.deadLetters.push({ ...message, error: String(error) });
        else setTimeout(() => void deliver(message, attempt + 1), 100 * 2 ** attempt);
      }
    };
    const off = this.onMessage((message) => {
      if (keys.has(message.routingKey)) setImmediate(() => void deliver(message, 1));
    });
    return async () => {
      off();
    };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
