import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { z } from 'zod';
import { decode, type Handler, type MessageBus, type MessageDef, routingKey } from './bus.js';

export type RabbitMqOptions = {
  /** Prefix of exchanges and queues, so that several installs (or test runs) can share a broker. */
  readonly prefix?: string;
  readonly publishTimeoutMs?: number;
  /** Deliveries of one message before it is dead-lettered. */
  readonly deliveryLimit?: number;
  readonly prefetch?: number;
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
    // Errors surface through ping() and publish(); the manager keeps reconnecting.
    this.connection.on('connectFailed', () => undefined);
    this.channel = this.connection.createChannel({
      confirm: true,
      publishTimeout: options.publishTimeoutMs ?? 10_000,
      setup: (channel: ConfirmChannel) => channel.assertExchange(this.exchange, 'topic', { durable: true }),
    });
    this.channel.on('error', () => undefined);
  }

  async publish<S extends z.ZodType>(def: MessageDef<S>, payload: z.infer<S>): Promise<void> {
    const body = def.schema.parse(payload);
    await this.channel.publish(this.exchange, routingKey(def), Buffer.from(JSON.stringify(body)), {
      persistent: true,
      contentType: 'application/json',
      type: routingKey(def),
    });
  }

  async consume(queue: string, defs: readonly MessageDef[], handler: Handler): Promise<() => Promise<void>> {
    const queueName = `${this.options.prefix ?? 'zapdeploy'}.${queue}`;
    const deadQueue = `${queueName}.dead`;
    const wrapper = this.connection.createChannel({
      confirm: false,
      setup: async (channel: ConfirmChannel) => {
        await channel.assertExchange(this.exchange, 'topic', { durable: true });
        await channel.assertExchange(this.deadLetterExchange, 'topic', { durable: true });
        await channel.assertQueue(deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        await channel.bindQueue(deadQueue, this.deadLetterExchange, '#');
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
        await channel.consume(queueName, (message) => message && void this.deliver(channel, message, defs, handler), { noAck: false });
      },
    });
    wrapper.on('error', () => undefined);
    this.consumers.push(wrapper);
    await wrapper.waitForConnect();
    return async () => {
      await wrapper.close();
    };
  }

  private async deliver(channel: ConfirmChannel, message: ConsumeMessage, defs: readonly MessageDef[], handler: Handler): Promise<void> {
    const key = message.fields.routingKey;
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString('utf8'));
    } catch {
      channel.nack(message, false, false);
      return;
    }
    const decoded = decode(defs, key, payload);
    if (!decoded.ok) {
      channel.nack(message, false, false); // to the dead-letter queue: retrying cannot fix it
      return;
    }
    try {
      await handler(key, decoded.value);
      channel.ack(message);
    } catch {
      channel.nack(message, false, true); // retried until the delivery limit, then dead-lettered
    }
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
