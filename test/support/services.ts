import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';

/** Where the integration tests find the machine's services (override with these variables). */
export const services = {
  postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqpUrl: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
};

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh, empty Postgres database for one test file; dropped by the returned function. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName('zd_test');
  const admin = new pg.Client({ connectionString: services.postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(services.postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: services.postgresAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The queues and exchanges a platform declares under a RabbitMQ prefix (consumers: worker.reconcile, api.billing). */
const AMQP_QUEUES = ['worker.reconcile', 'api.billing'];

/**
 * Deletes what a test declared on the machine's RabbitMQ under its prefix: quorum queues are heavy, and
 * hundreds left behind by earlier runs slow the broker down until it stops answering.
 */
export async function dropAmqpTopology(prefix: string): Promise<void> {
  const connection = await amqp.connect(services.amqpUrl);
  try {
    for (const queue of AMQP_QUEUES.flatMap((name) => [`${prefix}.${name}`, `${prefix}.${name}.dead`])) {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    for (const exchange of [`${prefix}.events`, `${prefix}.dead`]) {
      const channel = await connection.createChannel();
      await channel.deleteExchange(exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}
