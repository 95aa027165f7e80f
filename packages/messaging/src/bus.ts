import type { z } from 'zod';

export type MessageDef<S extends z.ZodType = z.ZodType> = { readonly name: string; readonly version: number; readonly schema: S };

export type Handler = (routingKey: string, payload: unknown) => Promise<void>;

/** A message a consumer gave up on: invalid, or failed on every delivery it was allowed. */
export type DeadLetter = { readonly queue: string; readonly routingKey: string; readonly reason: string };
export type ConsumeOptions = {
  /** Called when a message of this queue is dead-lettered (to alert an operator, who can re-drive it). */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
};

/** The platform's message bus: RabbitMQ in full mode, in memory in embedded mode. */
export interface MessageBus {
  readonly kind: 'rabbitmq' | 'memory';
  /** Validates the payload against its contract, then publishes it durably (confirmed). */
  publish<S extends z.ZodType>(def: MessageDef<S>, payload: z.infer<S>): Promise<void>;
  /**
   * Competing consumers on a durable queue bound to these messages. Payloads are validated before the
   * handler sees them; invalid ones are dead-lettered, failed ones retried up to a limit, then dead-lettered.
   */
  consume(queue: string, defs: readonly MessageDef[], handler: Handler, options?: ConsumeOptions): Promise<() => Promise<void>>;
  /** How many dead letters `queue` holds. */
  deadLetterCount(queue: string): Promise<number>;
  /** Moves up to `limit` dead letters of `queue` back onto it (an operator's re-drive, once the cause is fixed); returns how many. */
  redrive(queue: string, limit?: number): Promise<number>;
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
