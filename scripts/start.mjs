// `npm start`: installs what is missing, then starts the platform. Embedded mode (PGlite, in-memory
// bus and log store) unless DATABASE_URL, AMQP_URL and REDIS_URL are all set.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('zapdeploy: installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Builds the dashboard when it was never built or its sources changed since. */
export function ensureWebBuild() {
  const web = path.join(root, 'apps', 'web');
  const marker = path.join(web, '.next', 'BUILD_ID');
  if (existsSync(marker) && newestMtime(path.join(web, 'src')) <= statSync(marker).mtimeMs) return;
  console.log('zapdeploy: building the dashboard (next build)…');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: web,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The platform's exit code after an uncaught exception (it stopped cleanly): started again. */
const CRASH_EXIT_CODE = 70;
/** More crashes than this within CRASH_WINDOW_MS: something is wrong for good; give up. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 10 * 60_000;

function start() {
  ensureDependencies();
  ensureWebBuild();
  let child;
  let stopping = false;
  const crashes = [];
  const launch = () => {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/platform/src/main.ts'), `--parent-pid=${process.pid}`], {
      cwd: root,
      stdio: 'inherit',
      env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env },
    });
    child.on('exit', (code, signal) => {
      const now = Date.now();
      while (crashes.length > 0 && crashes[0] < now - CRASH_WINDOW_MS) crashes.shift();
      if (!stopping && code === CRASH_EXIT_CODE && crashes.length < MAX_CRASHES) {
        crashes.push(now);
        console.error('zapdeploy: the platform stopped after an unexpected error; starting it again…');
        setTimeout(launch, 1000);
        return;
      }
      process.exit(code ?? (signal ? 1 : 0));
    });
  };
  launch();
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => {
      stopping = true;
      child.kill(signal);
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) start();
