import { fileURLToPath } from 'node:url';
import { loadApiConfig } from '@zapdeploy/api';
import { runProcess } from '@zapdeploy/infra';
import { loadPaymentsConfig } from '@zapdeploy/payments';
import { loadWorkerConfig, RuntimeUnavailableError } from '@zapdeploy/worker';
import { startPlatform } from './start-platform.js';

runProcess(
  'zapdeploy',
  async () => {
    const apiConfig = loadApiConfig(process.env);
    const workerConfig = loadWorkerConfig(process.env);
    const paymentsConfig = loadPaymentsConfig(process.env);
    const log = {
      info: (line: string) => process.stdout.write(`${line}\n`),
      error: (line: string) => process.stderr.write(`${line}\n`),
    };
    const webDir = fileURLToPath(new URL('../../web', import.meta.url));
    const running = await startPlatform(apiConfig, workerConfig, {
      log,
      web: { dir: webDir, port: apiConfig.webPort, host: apiConfig.webHost },
      payments: { config: paymentsConfig },
    });
    log.info(
      `zapdeploy: ${apiConfig.mode} mode, API on http://${apiConfig.host}:${apiConfig.port} (database: ${running.infrastructure.database.kind}, bus: ${running.infrastructure.bus.kind}, runtime: ${running.worker.runtime.kind})`,
    );
    if (running.web) log.info(`zapdeploy: dashboard on http://localhost:${apiConfig.webPort}`);
    if (!apiConfig.access.localOnly) {
      log.info(`zapdeploy: listening on ${apiConfig.webHost} (dashboard) and ${apiConfig.host} (API): reachable from other machines`);
    }
    return running;
  },
  [RuntimeUnavailableError],
  { parentPid: parentPidArgument(process.argv) },
);

/** `--parent-pid=<pid>`, given by scripts/start.mjs. */
function parentPidArgument(argv: readonly string[]): number | undefined {
  const value = argv.find((arg) => arg.startsWith('--parent-pid='))?.split('=')[1];
  return value ? Number(value) : undefined;
}
