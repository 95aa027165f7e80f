import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import { type ConsumeOptions, decode, type Handler, type MessageBus, type MessageDef, routingKey } from './bus.js';

export type RabbitMqOptions = {
  /** Prefix of exchanges and queues, so that several installs (or test runs) can share a broker. */
  readonly prefix?: string;
  readonly publishTimeoutMs?: number;
  /** Deliveries of one message before it is dead-lettered. */
  readonly deliveryLimit?: number;
  readonly prefetch?: number;
  /** Where connection trouble is reported: once when the broker goes away, once when it is back. */
  readonly log?: (message: string) => void;
};

/**
 * RabbitMQ through amqp-connection-manager (reconnects, re-runs setup): a topic exchange for events,
 * publisher confirms, quorum queues with a delivery limit and a dead-letter exchange.
 */
export class RabbitMqBus implements MessageBus {
  readonly kind = 'rabbitmq' as const;
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private readonly consumers: ChannelWrapper[] = [];
  readonly exchange: string;
  readonly deadLetterExchange: string;

  constructor(
    url: string,
    private readonly options: RabbitMqOptions = {},
  ) {
    const prefix = options.prefix ?? 'zapdeploy';
    this.exchange = `${prefix}.events`;
    this.deadLetterExchange = `${prefix}.dead`;
    this.connection = amqp.connect([url], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1 });
    // Errors also surface through ping() and publish(); the manager keeps reconnecting. Said once per outage.
    const log = options.log ?? (() => undefined);
    let down = false;
    this.connection.on('connectFailed', ({ err }) => {
      if (!down) log(`rabbitmq: cannot connect (${err?.message ?? 'unknown error'}); retrying every second`);
      down = true;
    });
    this.connection.on('disconnect', ({ err }) => {
      if (!down) log(`rabbitmq: connection lost (${err?.message ?? 'closed'}); reconnecting`);
      down = true;
    });
    this.connection.on('connect', () => {
      if (down) log('rabbitmq: connected again');
      down = false;
    });
    this.channel = this.connection.createChannel({
      confirm: true,
      publishTimeout: options.publishTimeoutMs ?? 10_000,
      setup: (channel: ConfirmChannel) => channel.assertExchange(this.exchange, 'topic', { durable: true }),
    });
    this.channel.on('error', (error: Error) => log(`rabbitmq: publishing channel error: ${error.message}`));
  }

  async publish<S extends z.ZodType>(def: MessageDef<S>, payload: z.infer<S>): Promise<void> {
    const body = def.schema.parse(payload);
    await this.channel.publish(this.exchange, routingKey(def), Buffer.from(JSON.stringify(body)), {
      persistent: true,
      contentType: 'application/json',
      type: routingKey(def),
    });
  }

  private queueName(queue: string): string {
    return `${this.options.prefix ?? 'zapdeploy'}.${queue}`;
  }

  async consume(queue: string, defs: readonly MessageDef[], handler: Handler, options: ConsumeOptions = {}): Promise<() => Promise<void>> {
    const queueName = this.queueName(queue);
    const deadQueue = `${queueName}.dead`;
    const wrapper = this.connection.createChannel({
      confirm: false,
      setup: async (channel: ConfirmChannel) => {
        await channel.assertExchange(this.exchange, 'topic', { durable: true });
        await channel.assertExchange(this.deadLetterExchange, 'topic', { durable: true });
        await channel.assertQueue(deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        // Dead letters keep their routing key: this queue's dead queue takes those of its own messages.
        for (const def of defs) await channel.bindQueue(deadQueue, this.deadLetterExchange, routingKey(def));
        await channel.assertQueue(queueName, {
          durable: true,
          arguments: {
            'x-queue-type': 'quorum',
            'x-dead-letter-exchange': this.deadLetterExchange,
            'x-delivery-limit': this.options.deliveryLimit ?? 5,
          },
        });
        for (const def of defs) await channel.bindQueue(queueName, this.exchange, routingKey(def));
        await channel.prefetch(this.options.prefetch ?? 20);
        const dead = (key: string, reason: string) => options.onDeadLetter?.({ queue, routingKey: key, reason });
        await channel.consume(queueName, (message) => message && void this.deliver(channel, message, defs, handler, dead), { noAck: false });
      },
    });
    wrapper.on('error', () => undefined);
    this.consumers.push(wrapper);
    await wrapper.waitForConnect();
    return async () => {
      await wrapper.close();
    };
  }

  private async deliver(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    defs: readonly MessageDef[],
    handler: Handler,
    dead: (routingKey: string, reason: string) => void,
  ): Promise<void> {
    // A re-driven message comes straight to the queue (default exchange): its routing key is kept in `type`.
    const type = message.properties.type;
    const key = message.fields.exchange === '' && typeof type === 'string' && type ? type : message.fields.routingKey;
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString('utf8'));
    } catch {
      channel.nack(message, false, false);
      dead(key, 'not JSON');
      return;
    }
    const decoded = decode(defs, key, payload);
    if (!decoded.ok) {
      channel.nack(message, false, false); // to the dead-letter queue: retrying cannot fix it
      dead(key, decoded.error);
      return;
    }
    try {
      await handler(key, decoded.value);
      channel.ack(message);
    } catch (error) {
      channel.nack(message, false, true); // retried until the delivery limit, then dead-lettered
      // Quorum queues count earlier returns in x-delivery-count; past the limit this return dead-letters it.
      const returned = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
      if (returned + 1 > (this.options.deliveryLimit ?? 5)) dead(key, error instanceof Error ? error.message : String(error));
    }
  }

  async deadLetterCount(queue: string): Promise<number> {
    await this.channel.waitForConnect();
    return (await this.channel.checkQueue(`${this.queueName(queue)}.dead`)).messageCount;
  }

  /**
   * Moves dead letters back onto their queue, each published (confirmed) before it leaves the dead queue: a crash
   * in between re-drives it twice, never loses it (consumers are idempotent). Letters that died in another queue
   * (dead queues of older installs were bound to every key) are left to that queue's dead queue.
   */
  async redrive(queue: string, limit = 1000): Promise<number> {
    const queueName = this.queueName(queue);
    const deadQueue = `${queueName}.dead`;
    await this.channel.waitForConnect();
    await this.channel.checkQueue(queueName);
    let moved = 0;
    for (let seen = 0; seen < limit; seen++) {
      const letter = await this.channel.get(deadQueue, { noAck: false });
      if (!letter) break;
      const deaths = letter.properties.headers?.['x-death'] as { queue?: string; 'routing-keys'?: string[] }[] | undefined;
      const from = deaths?.[0]?.queue;
      if (from && from !== queueName) {
        this.channel.ack(letter);
        continue;
      }
      const {
        'x-death': _death,
        'x-first-death-exchange': _e,
        'x-first-death-queue': _q,
        'x-first-death-reason': _r,
        ...headers
      } = letter.properties.headers ?? {};
      const type = letter.properties.type || deaths?.[0]?.['routing-keys']?.[0] || letter.fields.routingKey;
      await this.channel.sendToQueue(queueName, letter.content, {
        persistent: true,
        contentType: letter.properties.contentType ?? 'application/json',
        type,
        headers: { ...headers, 'x-redriven': true },
      });
      this.channel.ack(letter);
      moved++;
    }
    return moved;
  }

  /** Resolves once connected (callers bound the wait). */
  async ping(): Promise<void> {
    await this.channel.waitForConnect();
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers.splice(0)) await consumer.close().catch(() => undefined);
    await this.channel.close();
    await this.connection.close();
  }
}
