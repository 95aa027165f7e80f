import type { z } from 'zod';

export type MessageDef<S extends z.ZodType = z.ZodType> = { readonly name: string; readonly version: number; readonly schema: S };

export type Handler = (routingKey: string, payload: unknown) => Promise<void>;

/** The platform's message bus: RabbitMQ in full mode, in memory in embedded mode. */
export interface MessageBus {
  readonly kind: 'rabbitmq' | 'memory';
  /** Validates the payload against its contract, then publishes it durably (confirmed). */
  publish<S extends z.ZodType>(def: MessageDef<S>, payload: z.infer<S>): Promise<void>;
  /**
   * Competing consumers on a durable queue bound to these messages. Payloads are validated before the
   * handler sees them; invalid ones are dead-lettered, failed ones retried up to a limit, then dead-lettered.
   */
  consume(queue: string, defs: readonly MessageDef[], handler: Handler): Promise<() => Promise<void>>;
  /** Resolves when the broker answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function routingKey(def: MessageDef): string {
  return `${def.name}.v${def.version}`;
}

/** Finds the contract of a routing key and validates the payload; undefined when unknown or invalid. */
export function decode(defs: readonly MessageDef[], key: string, payload: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  const def = defs.find((d) => routingKey(d) === key);
  if (!def) return { ok: false, error: `no contract for ${key}` };
  const parsed = def.schema.safeParse(payload);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: parsed.error.message };
}
