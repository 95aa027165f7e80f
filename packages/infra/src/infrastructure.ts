import type { InfraConfig } from '@zapdeploy/config';
import { type DatabaseHandle, openDatabase, SecretBox } from '@zapdeploy/db';
import { type LogStore, MemoryLogStore, RedisLogStore } from '@zapdeploy/logstore';
import { MemoryBus, type MessageBus, RabbitMqBus } from '@zapdeploy/messaging';
import { Redis } from 'ioredis';
import { resolveSecret } from './secret.js';
import { SessionArchiveStore } from './session-archive-store.js';

export type ReadinessCheck = { readonly name: string; readonly check: () => Promise<void> };

/** The shared systems every process uses, opened once: database (migrated), bus, Redis, log store, secret. */
export type Infrastructure = {
  readonly config: InfraConfig;
  readonly secret: string;
  readonly database: DatabaseHandle;
  readonly bus: MessageBus;
  readonly redis: Redis | undefined;
  readonly logStore: LogStore;
  /** Sealed WhatsApp session archives on disk. */
  readonly sessionArchives: SessionArchiveStore;
  readonly readiness: readonly ReadinessCheck[];
  close(): Promise<void>;
};

/**
 * Opens the shared systems. `log` receives connection trouble (said once per outage, not per retry); processes
 * pass their own logger.
 */
export async function openInfrastructure(
  config: InfraConfig,
  log: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): Promise<Infrastructure> {
  const secret = await resolveSecret(config.secret, config.dataDir);
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  await database.migrate();
  const bus: MessageBus = config.amqpUrl ? new RabbitMqBus(config.amqpUrl, { prefix: config.amqpPrefix, log }) : new MemoryBus();
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, connectionName: `${config.redisPrefix}:main` })
    : undefined;
  // Also surfaced through readiness; ioredis reconnects by itself. Said once per outage.
  let redisDown = false;
  redis?.on('error', (error: Error) => {
    if (!redisDown) log(`redis: ${error.message}; reconnecting`);
    redisDown = true;
  });
  redis?.on('ready', () => {
    if (redisDown) log('redis: connected again');
    redisDown = false;
  });
  const logLimits = { maxBytes: config.logStreamMaxBytes };
  const logStore: LogStore = redis ? new RedisLogStore(redis, config.redisPrefix, logLimits) : new MemoryLogStore(logLimits);
  return {
    config,
    secret,
    database,
    bus,
    redis,
    logStore,
    sessionArchives: new SessionArchiveStore(config.sessionArchiveDir, new SecretBox(secret, 'session-archive')),
    readiness: [
      { name: 'database', check: () => database.ping() },
      { name: 'bus', check: () => bus.ping() },
      { name: 'logStore', check: () => logStore.ping() },
    ],
    close: async () => {
      await bus.close().catch(() => undefined);
      await logStore.close().catch(() => undefined);
      redis?.disconnect();
      await database.close();
    },
  };
}
