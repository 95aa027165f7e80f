import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DatabaseHandle, LeaseRepository, openDatabase } from '@zapdeploy/db';
import { logKeys, MemoryLogStore } from '@zapdeploy/logstore';
import { createProcessRuntime, type RuntimePorts } from '@zapdeploy/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogFollowers } from './log-followers.js';

let root: string;
let database: DatabaseHandle;
let runtime: RuntimePorts;
const store = new MemoryLogStore();

// One embedded database for the file (PGlite takes seconds to start); the last test closes it.
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'zapdeploy-followers-'));
  database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  runtime = createProcessRuntime({ rootDir: root, maxRestarts: 0, hostEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' } });
}, 120_000);
afterAll(async () => {
  await runtime.workload.close();
  await database.close().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

/** Runs a bot (a shell command) as instance `id` on the process runtime. */
async function runBot(id: string, command: string): Promise<void> {
  const artifact = path.join(root, 'builds', id);
  await mkdir(artifact, { recursive: true });
  await writeFile(path.join(artifact, '.zapdeploy-start'), command);
  await runtime.workload.replace({
    instanceId: id,
    deploymentId: `d-${id}`,
    artifact,
    env: {},
    limits: { cpuMillis: 250, memoryMb: 256, diskMb: 1024 },
    revision: 'r',
  });
}

function followers(log: string[], onLine?: (instanceId: string, line: string) => void): LogFollowers {
  return new LogFollowers({
    workload: runtime.workload,
    leases: new LeaseRepository(database.db),
    logStore: store,
    workerId: 'worker-1',
    linesPerSecond: 1000,
    leaseMs: 60_000,
    log: (message) => log.push(message),
    ...(onLine ? { onLine } : {}),
  });
}

describe(LogFollowers.name, () => {
  it('keeps storing a bot’s lines when the line hook throws, and says so once', async () => {
    await runBot('i2', "sh -c 'for i in 1 2 3; do echo line $i; done; sleep 30'");
    const log: string[] = [];
    const sut = followers(log, () => {
      throw new Error('a parser bug');
    });
    expect(await sut.ensure('i2', null)).toBe(true);
    await expect
      .poll(async () => (await store.tail(logKeys.instance('i2'), 10)).map((entry) => entry.line), { timeout: 5_000 })
      .toEqual(['line 1', 'line 2', 'line 3']);
    expect(log).toEqual(['logs i2: reading a line for WhatsApp failed: a parser bug']);
    await sut.stopAll();
  });
  it('logs a log lease it could not release (database away) instead of leaving the rejection unobserved', async () => {
    await runBot('i1', 'sleep 30');
    const log: string[] = [];
    const sut = followers(log);
    expect(await sut.ensure('i1', null)).toBe(true);
    await database.close();
    await sut.stop('i1');
    await expect.poll(() => log, { timeout: 5_000 }).toContainEqual(expect.stringMatching(/^logs i1: releasing the log lease failed: /));
  });
});
