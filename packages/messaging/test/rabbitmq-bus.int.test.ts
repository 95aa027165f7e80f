import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RabbitMqBus } from '../src/rabbitmq-bus.js';

/** A port on loopback where nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('RabbitMqBus connection trouble', () => {
  it('is said once per outage, not once per retry', async () => {
    const lines: string[] = [];
    const bus = new RabbitMqBus(`amqp://guest:guest@127.0.0.1:${await closedPort()}`, { prefix: 'zd_bus_log', log: (line) => lines.push(line) });
    try {
      // The manager retries every second: let it fail several times.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^rabbitmq: cannot connect \(.*ECONNREFUSED.*\); retrying every second$/);
    } finally {
      await bus.close();
    }
  });
});
