import type { INestApplication } from '@nestjs/common';
import { type ApiConfig, createApiApp, type Mailer, openPlatform, type Platform, type PlatformOverrides } from '@zapdeploy/api';
import { type Infrastructure, openInfrastructure } from '@zapdeploy/infra';
import { type PaymentsConfig, type PaymentsOverrides, PaymentsService } from '@zapdeploy/payments';
import { createRuntime, databaseTenants, Worker, type WorkerConfig } from '@zapdeploy/worker';
import { startWebServer, type WebServer, webIsBuilt } from './web-server.js';

export type RunningPlatform = {
  readonly app: INestApplication;
  /** The dashboard + API origin on PORT, when the dashboard is built and asked for. */
  readonly web: WebServer | undefined;
  readonly platform: Platform;
  readonly worker: Worker;
  /** The payments service, when started here (its URL is given to the API). */
  readonly payments: PaymentsService | undefined;
  readonly infrastructure: Infrastructure;
  stop(): Promise<void>;
};

export type PlatformLog = { info(line: string): void; error(line: string): void };

/**
 * The whole backend in one process: API and worker sharing one infrastructure (in embedded mode:
 * PGlite, the in-memory bus and log store). Bigger installs run apps/api and apps/worker apart.
 */
export async function startPlatform(
  apiConfig: ApiConfig,
  workerConfig: WorkerConfig,
  options: {
    readonly log: PlatformLog;
    readonly mailer?: Mailer;
    readonly listen?: boolean;
    /** Serve the dashboard (apps/web) with the API on `port`. */
    readonly web?: { readonly dir: string; readonly port: number; readonly host: string };
    /** Run the payments service in this process too, on a private port. */
    readonly payments?: { readonly config: PaymentsConfig; readonly overrides?: PaymentsOverrides };
    /** The console's feature flags from this OpenFeature provider instead of `apiConfig.flags` (tests). */
    readonly flagProvider?: PlatformOverrides['flagProvider'];
  },
): Promise<RunningPlatform> {
  const infrastructure = await openInfrastructure(apiConfig.infra);
  const runtime = createRuntime(workerConfig, databaseTenants(infrastructure.database.db));
  const payments = options.payments ? new PaymentsService(options.payments.config, infrastructure, options.log, options.payments.overrides) : undefined;
  const paymentsUrl = await payments?.start(0);
  const platform = await openPlatform(apiConfig, {
    infrastructure,
    log: options.log.info,
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(paymentsUrl ? { paymentsUrl } : {}),
    ...(options.flagProvider ? { flagProvider: options.flagProvider } : {}),
  });
  const worker = new Worker(workerConfig, infrastructure, runtime, options.log);
  await worker.start();
  const app = await createApiApp(platform);
  if (options.listen !== false) await app.listen(apiConfig.port, apiConfig.host);
  let web: WebServer | undefined;
  if (options.web && webIsBuilt(options.web.dir)) {
    const api = app.getHttpAdapter().getInstance() as (request: unknown, response: unknown) => void;
    web = await startWebServer({ ...options.web, api });
  } else if (options.web) {
    options.log.error(`zapdeploy: the dashboard is not built (${options.web.dir}); npm start builds it`);
  }
  return {
    app,
    web,
    platform,
    worker,
    payments,
    infrastructure,
    stop: async () => {
      await web?.close();
      await app.close();
      await worker.stop();
      await payments?.stop();
      await platform.close();
      await infrastructure.close();
    },
  };
}
