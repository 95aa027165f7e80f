// `npm test`: the whole suite (lint, types, unit and integration tests against this machine's
// Postgres, Redis and RabbitMQ). Ends with a plain "N passed, N failed" line.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, ensureWebBuild } from './start.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(label, command, args) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

// The test clusters' binaries (Kubernetes, etcd) are built from source once and cached outside the repository
// (scripts/k8s/build.sh). On a fresh machine that takes a while: it starts now, at the lowest priority, so it goes on
// while everything else is installed and tested, and the Kubernetes tests wait for it.
const k8sLog = path.join(tmpdir(), `zapdeploy-k8s-build-${process.pid}.log`);
const k8sBuild = new Promise((resolve) => {
  const child = spawn('nice', ['-n', '19', 'bash', 'scripts/k8s/build.sh'], { cwd: root, stdio: ['ignore', openSync(k8sLog, 'w'), openSync(k8sLog, 'a')] });
  child.on('exit', (code) => resolve(code === 0));
  child.on('error', () => resolve(false));
});

ensureDependencies();
ensureWebBuild();
// What the integration tests need on this machine: PostgreSQL, Redis, RabbitMQ, a Docker engine and the
// locally made base images. The scripts start (or, for Docker, install) what is missing and do nothing otherwise.
for (const script of ['.ci/services.sh', 'scripts/docker/ensure-engine.sh', 'scripts/docker/make-base-images.sh', 'scripts/ensure-chromium.sh']) {
  if (!run(`prepare: ${script}`, 'bash', [script])) {
    console.error(`zapdeploy: ${script} failed; the integration tests need PostgreSQL, Redis, RabbitMQ and Docker on this machine.`);
    process.exit(1);
  }
}

const lint = run('lint (biome)', bin('biome'), ['ci', '.']);
const types = run('types (tsc)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
// Two runs: everything that can share the machine's services in parallel, then the tests that stop and
// start those services (alone).
const runs = [
  ['tests (vitest: unit + integration)', ['--project', 'unit', '--project', 'integration']],
  ['tests (vitest: browser — the dashboard in Chromium, one file at a time)', ['--project', 'browser']],
  ['tests (vitest: heavy — the examples built from the npm registry)', ['--project', 'heavy']],
  ['tests (vitest: kubernetes — real clusters built and started on this machine, one file at a time)', ['--project', 'kubernetes'], k8sBuild],
  ['tests (vitest: disruptive — restarts RabbitMQ and Redis, kills workers)', ['--project', 'disruptive']],
];
let passed = 0;
let failed = 0;
let skipped = 0;
let tests = true;
for (const [label, projects, ready] of runs) {
  if (ready && !(await ready)) {
    console.error(`zapdeploy: building the test clusters' binaries failed (scripts/k8s/build.sh); its log: ${k8sLog}`);
    console.error(readFileSync(k8sLog, 'utf8').split('\n').slice(-30).join('\n'));
    failed += 1;
    tests = false;
    continue;
  }
  const report = path.join(tmpdir(), `zapdeploy-vitest-${process.pid}-${passed + failed}.json`);
  const ok = run(label, bin('vitest'), ['run', ...projects, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
  tests &&= ok;
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed += summary.numPassedTests;
    // A file that fails without a failing test (import error, hook failure) still counts once.
    failed += summary.numFailedTests || (summary.numFailedTestSuites ?? 0);
    skipped += summary.numPendingTests + summary.numTodoTests;
    rmSync(report, { force: true });
  } catch {
    if (!ok) failed += 1;
  }
}
if (!lint) failed += 1;
if (!types) failed += 1;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(lint && types && tests && failed === 0 && passed > 0 ? 0 : 1);
