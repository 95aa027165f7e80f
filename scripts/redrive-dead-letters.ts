// Operator tool: moves a queue's dead letters (messages its consumer gave up on) back onto the queue, once what made
// them fail is fixed; consumers apply each event at most once, so a letter re-driven twice changes nothing twice.
//
//   AMQP_URL=amqp://… [ZAPDEPLOY_AMQP_PREFIX=zapdeploy] node --import tsx scripts/redrive-dead-letters.ts [queue] [--count]
//
// queue: api.billing (the default; the API's billing events). --count only says how many are waiting.
import { ConfigError, parseEnv, urlString } from '@zapdeploy/config';
import { RabbitMqBus } from '@zapdeploy/messaging';
import { z } from 'zod';

const args = process.argv.slice(2);
const queue = args.find((arg) => !arg.startsWith('--')) ?? 'api.billing';
try {
  const env = parseEnv(
    z.object({ AMQP_URL: urlString(['amqp', 'amqps']), ZAPDEPLOY_AMQP_PREFIX: z.string().default('zapdeploy') }),
    process.env as Record<string, string | undefined>,
  );
  const bus = new RabbitMqBus(env.AMQP_URL, { prefix: env.ZAPDEPLOY_AMQP_PREFIX });
  try {
    const waiting = await bus.deadLetterCount(queue);
    if (args.includes('--count')) console.log(`${queue}: ${waiting} dead letter(s)`);
    else console.log(`${queue}: ${await bus.redrive(queue)} dead letter(s) moved back (of ${waiting})`);
  } finally {
    await bus.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `redrive failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof ConfigError ? 78 : 1;
}
