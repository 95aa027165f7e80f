import { ConfigError } from '@zapdeploy/config';

export type Running = { readonly stop: () => Promise<void> };

/**
 * Runs a process entry point: starts it, stops it cleanly on SIGINT/SIGTERM, and exits 78 (EX_CONFIG) with
 * a readable message on configuration errors (and on the extra error classes given), 1 on anything else.
 */
export function runProcess(
  name: string,
  start: () => Promise<Running>,
  configErrors: readonly (new (...args: never[]) => Error)[] = [],
  options: { readonly parentPid?: number } = {},
): void {
  start()
    .then((running) => {
      const shutdown = async (signal: string) => {
        process.stdout.write(`${name}: ${signal}, shutting down\n`);
        await running.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      // Started by a supervisor (npm start): stop with it, even if it was killed without forwarding a signal.
      if (options.parentPid) {
        setInterval(() => {
          if (process.ppid !== options.parentPid) void shutdown('parent gone');
        }, 2000).unref();
      }
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError || configErrors.some((kind) => error instanceof kind)) {
        process.stderr.write(`${name}: ${(error as Error).message}\n`);
        process.exit(78);
      }
      process.stderr.write(`${name}: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}
