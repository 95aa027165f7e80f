import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import type { Provider as FlagProvider } from '@openfeature/server-sdk';
import { createApiApp, loadApiConfig, type Mail, openPlatform, type Platform } from '@zapdeploy/api';
import { tables } from '@zapdeploy/db';
import { openInfrastructure } from '@zapdeploy/infra';
import { loadPaymentsConfig, type PaymentsOverrides, PaymentsService } from '@zapdeploy/payments';
import { startPlatform } from '@zapdeploy/platform';
import { removeInstance } from '@zapdeploy/runtime';
import { loadWorkerConfig, type Worker } from '@zapdeploy/worker';
import { HOST_CA_FILE } from './docker.js';
import { freePort } from './free-port.js';
import { createTestDatabase, dropAmqpTopology, services, uniqueName } from './services.js';

const WEB_DIR = fileURLToPath(new URL('../../apps/web', import.meta.url));

export type TestApi = {
  readonly url: string;
  readonly platform: Platform;
  /** Present when started with a worker. */
  readonly worker: Worker | undefined;
  /** Present when started with payments. */
  readonly payments: PaymentsService | undefined;
  readonly mails: Mail[];
  /** What the platform logged (alerts, the console mailer…). */
  readonly logs: string[];
  readonly dataDir: string;
  /** Stops the platform; with `keepBots`, bots (containers and volumes) stay on the runtime, as in a real platform restart. */
  stop(options?: { keepBots?: boolean }): Promise<void>;
  /** Stops and removes everything the harness created. */
  close(): Promise<void>;
};

export type HarnessOptions = {
  /** `full`: Postgres + RabbitMQ + Redis of this machine; `embedded`: PGlite in a temp dir. */
  readonly mode: 'full' | 'embedded';
  readonly env?: Record<string, string>;
  /** Reuse an embedded data dir (restart tests). */
  readonly dataDir?: string;
  /** Reuse a Postgres database (restart tests in full mode). */
  readonly databaseUrl?: string;
  /** Also run a worker in the same process (builds and runs bots on this machine's Docker). */
  readonly worker?: boolean;
  /** Also serve the built dashboard (apps/web) with the API on `url` (implies worker). */
  readonly web?: boolean;
  /** Also run the payments service in this process (Mercado Pago settings come from `env`). */
  readonly payments?: boolean | PaymentsOverrides;
  /** The console's feature flags from this OpenFeature provider (e.g. InMemoryProvider) instead of the shipped flags file. */
  readonly flags?: FlagProvider;
};

/** Starts the real API in-process on a free port, the way main.ts does, with a capturing mailer. */
export async function startTestApi(options: HarnessOptions): Promise<TestApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'zapdeploy-test-')));
  const database = options.mode === 'full' && !options.databaseUrl ? await createTestDatabase() : undefined;
  const fullEnv =
    options.mode === 'full'
      ? {
          DATABASE_URL: options.databaseUrl ?? database?.url ?? '',
          AMQP_URL: services.amqpUrl,
          REDIS_URL: services.redisUrl,
          ZAPDEPLOY_SECRET: 'test-secret-that-is-long-enough-0123456789',
          ZAPDEPLOY_REDIS_PREFIX: uniqueName('zdt'),
          ZAPDEPLOY_AMQP_PREFIX: uniqueName('zdt'),
          ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION: 'false',
        }
      : {};
  const env = {
    // What a real start inherits from its shell (bots run by ProcessRuntime need PATH to find node and npm).
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'test',
    API_PORT: String(port),
    API_HOST: '127.0.0.1',
    ZAPDEPLOY_DATA_DIR: dataDir,
    ZAPDEPLOY_PUBLIC_URL: url,
    ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS: 'true',
    ZAPDEPLOY_BUILD_CA_FILE: HOST_CA_FILE,
    ZAPDEPLOY_RESYNC_SECONDS: '2',
    ZAPDEPLOY_MAX_RESTARTS: '2',
    // The people of a test install: on a closed install (ZAPDEPLOY_PUBLIC_SIGNUPS=false) they may still sign up.
    // Tests of closed sign-ups set it to '' (unset).
    ZAPDEPLOY_SIGNUP_ALLOWLIST: '@example.com',
    ...fullEnv,
    ...options.env,
  };
  const config = loadApiConfig(env);
  const mails: Mail[] = [];
  const mailer = { send: async (mail: Mail) => void mails.push(mail) };
  const logs: string[] = [];
  const keep = (line: string) => void logs.push(line);
  let app: INestApplication;
  let platform: Platform;
  let worker: Worker | undefined;
  let payments: PaymentsService | undefined;
  const paymentsOption = options.payments ? { config: loadPaymentsConfig(env), overrides: options.payments === true ? {} : options.payments } : undefined;
  const flagOverride = options.flags ? { flagProvider: options.flags } : {};
  let stopAll: (keepBots: boolean) => Promise<void>;
  if (options.worker || options.web) {
    const running = await startPlatform(config, loadWorkerConfig(env), {
      log: { info: keep, error: (line) => process.stderr.write(`${line}\n`) },
      mailer,
      listen: false,
      ...(options.flags ? { flagProvider: options.flags } : {}),
      ...(paymentsOption ? { payments: paymentsOption } : {}),
      ...(options.web ? { web: { dir: WEB_DIR, port, host: '127.0.0.1' } } : {}),
    });
    if (options.web && !running.web) throw new Error('the dashboard is not built: run `npm start` once, or `npx next build` in apps/web');
    app = running.app;
    worker = running.worker;
    payments = running.payments;
    platform = running.platform;
    stopAll = async (keepBots) => {
      // Leave nothing running on the machine: remove every instance this test created from the runtime.
      const ids = (await running.infrastructure.database.db.select({ id: tables.instances.id }).from(tables.instances)).map((row) => row.id);
      // Each bot's cluster is read now: the worker's runtime routes by the database, which closes with the platform.
      const placed = keepBots
        ? []
        : await Promise.all(ids.map(async (id) => ({ id, ports: await running.worker.runtime.portsFor(id).catch(() => undefined) })));
      await running.stop();
      for (const { id, ports } of placed) if (ports) await removeInstance(ports, id).catch(() => undefined);
    };
  } else if (paymentsOption) {
    // The payments service shares the API's infrastructure (embedded PGlite has one connection).
    const infrastructure = await openInfrastructure(config.infra);
    const log = { info: () => undefined, error: (line: string) => process.stderr.write(`${line}\n`) };
    payments = new PaymentsService(paymentsOption.config, infrastructure, log, paymentsOption.overrides);
    const paymentsUrl = await payments.start(0);
    platform = await openPlatform(config, { mailer, log: keep, infrastructure, paymentsUrl, ...flagOverride });
    app = await createApiApp(platform);
    const started = payments;
    stopAll = async () => {
      await app.close();
      await started.stop();
      await platform.close();
      await infrastructure.close();
    };
  } else {
    platform = await openPlatform(config, { mailer, log: keep, ...flagOverride });
    app = await createApiApp(platform);
    stopAll = async () => {
      await app.close();
      await platform.close();
    };
  }
  if (!options.web) await app.listen(port, '127.0.0.1');
  let stopped = false;
  const stop = async (stopOptions: { keepBots?: boolean } = {}) => {
    if (stopped) return;
    stopped = true;
    await stopAll(stopOptions.keepBots ?? false);
  };
  return {
    url,
    platform,
    worker,
    payments,
    mails,
    logs,
    dataDir,
    stop,
    close: async () => {
      await stop();
      if (env.AMQP_URL) await dropAmqpTopology(env.ZAPDEPLOY_AMQP_PREFIX ?? 'zapdeploy').catch(() => undefined);
      await database?.drop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
