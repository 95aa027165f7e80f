import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcessRuntime } from '../src/process/index.js';
import type { OutputLine } from '../src/runtime.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

// The runtime contract (process.contract.int.test.ts) covers the lifecycle; this is the process runtime's own failure.
describe('process runtime', () => {
  it('keeps a crashed bot crashed, saying why, when its restart cannot even launch (no unobserved rejection)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'zapdeploy-process-runtime-'));
    dirs.push(root);
    const { workload } = createProcessRuntime({ rootDir: root, maxRestarts: 3, hostEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' } });
    const artifact = path.join(root, 'builds', 'd1');
    await mkdir(artifact, { recursive: true });
    await writeFile(path.join(artifact, '.zapdeploy-start'), 'sh -c "echo up; sleep 0.2; exit 3"');
    await workload.replace({
      instanceId: 'i1',
      deploymentId: 'd1',
      artifact,
      env: {},
      limits: { cpuMillis: 250, memoryMb: 256, diskMb: 1024 },
      revision: 'r1',
    });

    // It crashes and a restart is scheduled; meanwhile its build disappears, so the restart cannot launch it.
    await expect.poll(async () => (await workload.observe('i1')).restarting, { timeout: 10_000, interval: 20 }).toBe(true);
    await rm(artifact, { recursive: true, force: true });
    await expect
      .poll(
        async () => {
          const observed = await workload.observe('i1');
          return { running: observed.running, restarting: observed.restarting, exitCode: observed.exitCode };
        },
        { timeout: 10_000, interval: 50 },
      )
      .toEqual({ running: false, restarting: false, exitCode: 3 });

    const lines: OutputLine[] = [];
    await workload.follow('i1', null, (line) => lines.push(line), new AbortController().signal);
    expect(lines.map((line) => line.line)).toEqual(['up', expect.stringMatching(/^zapdeploy: could not restart the bot: ENOENT/)]);
    await workload.close();
  });
});
