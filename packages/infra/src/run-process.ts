import { ConfigError } from '@zapdeploy/config';

export type Running = { readonly stop: () => Promise<void> };

/** Exit code after an uncaught exception (EX_SOFTWARE): the process stopped cleanly and should be started again. */
export const CRASH_EXIT_CODE = 70;
/** How long a stop after an uncaught exception may take before the process exits anyway. */
const CRASH_STOP_MS = 10_000;

/**
 * Runs a process entry point: starts it, stops it cleanly on SIGINT/SIGTERM, and exits 78 (EX_CONFIG) with
 * a readable message on configuration errors (and on the extra error classes given), 1 on anything else.
 *
 * Faults no code caught: a promise rejected with nobody listening is logged and the process goes on (it
 * left nothing half-done: whatever awaited it has already moved on), so one instance's failure never takes
 * the others down; an exception thrown from the event loop is logged, then the process stops cleanly
 * (leases released, bots left running) and exits 70, for its supervisor to start it again.
 */
export function runProcess(
  name: string,
  start: () => Promise<Running>,
  configErrors: readonly (new (...args: never[]) => Error)[] = [],
  options: { readonly parentPid?: number } = {},
): void {
  let running: Running | undefined;
  let crashing = false;
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`${name}: unhandled rejection (the process goes on): ${describe(reason)}\n`);
  });
  process.on('uncaughtException', (error) => {
    process.stderr.write(`${name}: uncaught exception: ${describe(error)}\n`);
    if (crashing) return;
    crashing = true;
    process.stderr.write(`${name}: stopping, to be started again (exit ${CRASH_EXIT_CODE})\n`);
    setTimeout(() => process.exit(CRASH_EXIT_CODE), CRASH_STOP_MS).unref();
    void Promise.resolve(running?.stop())
      .catch((stopError: unknown) => process.stderr.write(`${name}: stopping failed: ${describe(stopError)}\n`))
      .finally(() => process.exit(CRASH_EXIT_CODE));
  });
  start()
    .then((started) => {
      running = started;
      const shutdown = async (signal: string) => {
        process.stdout.write(`${name}: ${signal}, shutting down\n`);
        await started.stop();
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
      process.stderr.write(`${name}: failed to start: ${describe(error)}\n`);
      process.exit(1);
    });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
