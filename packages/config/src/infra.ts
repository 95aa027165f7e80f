import path from 'node:path';
import { z } from 'zod';
import { ConfigError, type Env, parseEnv, urlString } from './env.js';

const prefix = z.string().regex(/^[A-Za-z0-9:._-]+$/, 'letters, digits, colon, dot, dash and underscore');

const schema = z.object({
  DATABASE_URL: urlString(['postgres', 'postgresql']).optional(),
  AMQP_URL: urlString(['amqp', 'amqps']).optional(),
  REDIS_URL: urlString(['redis', 'rediss']).optional(),
  ZAPDEPLOY_REDIS_PREFIX: prefix.default('zapdeploy'),
  ZAPDEPLOY_AMQP_PREFIX: prefix.default('zapdeploy'),
  ZAPDEPLOY_DATA_DIR: z.string().default('./.zapdeploy'),
  ZAPDEPLOY_SECRET: z.string().min(32, 'expected at least 32 characters (e.g. `openssl rand -base64 48`)').optional(),
  ZAPDEPLOY_SESSION_ARCHIVE_DIR: z.string().optional(),
  ZAPDEPLOY_SESSION_ARCHIVE_MAX_MB: z.coerce.number().int().min(1, 'expected a positive whole number').max(1024, 'at most 1024').default(64),
  ZAPDEPLOY_SESSION_TRANSFER_TTL_SECONDS: z.coerce.number().int().min(1, 'expected a positive whole number').default(86_400),
  ZAPDEPLOY_LOG_STREAM_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024, 'at least 65536')
    .default(16 * 1024 * 1024),
});

/** Where the platform's shared systems are; the same for every process (API, worker, payments). */
export type InfraConfig = {
  readonly mode: 'embedded' | 'full';
  readonly databaseUrl: string | undefined;
  readonly amqpUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** Prefix of every Redis key, so that several installs (or test runs) can share one Redis. */
  readonly redisPrefix: string;
  /** Prefix of every exchange and queue, likewise for RabbitMQ. */
  readonly amqpPrefix: string;
  readonly dataDir: string;
  /** Absent in embedded mode until resolved from the data dir. */
  readonly secret: string | undefined;
  /** Where sealed WhatsApp session archives are kept (shared by the API and every worker). */
  readonly sessionArchiveDir: string;
  /** Largest session archive (compressed); each instance keeps at most one backup and one restore. */
  readonly sessionArchiveMaxBytes: number;
  /** How long a session backup can be downloaded, or a restore waits to be applied. */
  readonly sessionTransferTtlMs: number;
  /** Bytes of lines each log stream keeps (on top of its line count); the oldest go first. */
  readonly logStreamMaxBytes: number;
};

export function loadInfraConfig(env: Env): InfraConfig {
  const e = parseEnv(schema, env);
  const given = [e.DATABASE_URL, e.AMQP_URL, e.REDIS_URL].filter((url) => url !== undefined).length;
  if (given !== 0 && given !== 3) {
    throw new ConfigError(['DATABASE_URL, AMQP_URL, REDIS_URL: set all three (full mode) or none of them (embedded mode)']);
  }
  const mode = given === 3 ? 'full' : 'embedded';
  if (mode === 'full' && !e.ZAPDEPLOY_SECRET) throw new ConfigError(['ZAPDEPLOY_SECRET: required in full mode (at least 32 characters)']);
  return {
    mode,
    databaseUrl: e.DATABASE_URL,
    amqpUrl: e.AMQP_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.ZAPDEPLOY_REDIS_PREFIX,
    amqpPrefix: e.ZAPDEPLOY_AMQP_PREFIX,
    dataDir: e.ZAPDEPLOY_DATA_DIR,
    secret: e.ZAPDEPLOY_SECRET,
    sessionArchiveDir: e.ZAPDEPLOY_SESSION_ARCHIVE_DIR ?? path.join(e.ZAPDEPLOY_DATA_DIR, 'session-archives'),
    sessionArchiveMaxBytes: e.ZAPDEPLOY_SESSION_ARCHIVE_MAX_MB * 1024 * 1024,
    sessionTransferTtlMs: e.ZAPDEPLOY_SESSION_TRANSFER_TTL_SECONDS * 1000,
    logStreamMaxBytes: e.ZAPDEPLOY_LOG_STREAM_MAX_BYTES,
  };
}
