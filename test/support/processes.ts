import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type Proc = { readonly child: ChildProcess; output(): string; kill(signal?: NodeJS.Signals): Promise<number | null> };

/** Runs one of the platform's entry points (apps/api, apps/worker, apps/platform, apps/payments) as its own process. */
export function startProcess(entry: 'api' | 'worker' | 'platform' | 'payments', env: Record<string, string>): Proc {
  let output = '';
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|AMQP_URL|REDIS_URL|ZAPDEPLOY_|GITHUB_|SMTP_URL|MERCADOPAGO_|PAYMENTS_)/.test(name)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, `apps/${entry}/src/main.ts`)], { cwd: root, env: { ...clean, ...env } });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
