import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildFailedError, type OutputLine } from '../runtime.js';
import { MEMORY_BOT_FILE } from './bot-script.js';
import { createMemoryRuntime } from './index.js';

let dir: string;
const limits = { cpuMillis: 250, memoryMb: 256, diskMb: 1024 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zapdeploy-memory-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function context(name: string, script: unknown): Promise<string> {
  const contextDir = path.join(dir, name);
  await rm(contextDir, { recursive: true, force: true });
  await mkdir(contextDir, { recursive: true });
  if (script !== undefined) await writeFile(path.join(contextDir, MEMORY_BOT_FILE), typeof script === 'string' ? script : JSON.stringify(script));
  return contextDir;
}

const request = (contextDir: string, instanceId = 'i1', deploymentId = 'd1', lines: string[] = []) => ({
  instanceId,
  deploymentId,
  contextDir,
  dockerfile: 'Dockerfile',
  baseImages: [],
  commands: { install: 'npm ci', build: null, start: 'node index.js' },
  onLine: (line: string) => lines.push(line),
  signal: new AbortController().signal,
});

describe('memory runtime', () => {
  it('holds 10,000 running instances cheaply, one copy each, and lists, stops and removes them', async () => {
    const runtime = createMemoryRuntime();
    const { artifact } = await runtime.builder.build(request(await context('many', { lines: ['up'] }), 'many', 'd1'));
    const started = performance.now();
    const ids = Array.from({ length: 10_000 }, (_, n) => `ins_${n}`);
    for (const instanceId of ids) await runtime.workload.replace({ instanceId, deploymentId: 'd1', artifact, env: {}, limits, revision: 'r1' });
    for (const instanceId of ids.slice(0, 100)) await runtime.workload.replace({ instanceId, deploymentId: 'd1', artifact, env: {}, limits, revision: 'r2' });
    expect(await runtime.workload.list()).toHaveLength(10_000);
    expect(ids.reduce((sum, instanceId) => sum + runtime.engine.runningCopies(instanceId), 0)).toBe(10_000);
    expect((await runtime.workload.observe('ins_42')).revision).toBe('r2');
    for (const instanceId of ids) await runtime.workload.stop(instanceId);
    expect(ids.reduce((sum, instanceId) => sum + runtime.engine.runningCopies(instanceId), 0)).toBe(0);
    for (const instanceId of ids) await runtime.workload.remove(instanceId);
    expect(await runtime.workload.list()).toEqual([]);
    // Generous for a busy 2-core machine: the point is milliseconds per thousand, not seconds.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('builds from memory-bot.json: build lines, a build failure, a bad file', async () => {
    const runtime = createMemoryRuntime();
    const lines: string[] = [];
    const built = await runtime.builder.build(request(await context('ok', { build: { lines: ['compiling'] } }), 'i1', 'd1', lines));
    expect(built).toEqual({ artifact: 'memory://i1/d1', sessionPersistence: true });
    expect(lines).toEqual(['compiling', 'memory build: memory://i1/d1']);
    await expect(runtime.builder.build(request(await context('fails', { build: { fail: 'npm ci exited with code 1' } })))).rejects.toThrow(
      new BuildFailedError('npm ci exited with code 1'),
    );
    await expect(runtime.builder.build(request(await context('bad', '{ nope')))).rejects.toThrow(/memory-bot.json is not valid JSON/);
    await expect(runtime.builder.build(request(await context('wrong', { exit: { code: 'x' } })))).rejects.toThrow(/memory-bot.json: exit/);
    // No file: a silent bot that runs until stopped.
    const silent = await runtime.builder.build(request(await context('silent', undefined), 'i2', 'd1'));
    await runtime.workload.replace({ instanceId: 'i2', deploymentId: 'd1', artifact: silent.artifact, env: {}, limits, revision: 'r' });
    expect((await runtime.workload.observe('i2')).running).toBe(true);
    await runtime.workload.close();
  });

  it('kills a bot for memory when its limit drops under what it uses, and replays output with the env filled in', async () => {
    const runtime = createMemoryRuntime({ maxRestarts: 0 });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the memory bot's placeholder, filled from the instance's env
    const { artifact } = await runtime.builder.build(request(await context('hungry', { lines: ['hello ${NAME}'], memoryMb: 300 })));
    await runtime.workload.replace({
      instanceId: 'i1',
      deploymentId: 'd1',
      artifact,
      env: { NAME: 'Ana' },
      limits: { ...limits, memoryMb: 512 },
      revision: 'r',
    });
    expect(await runtime.workload.updateLimits('i1', { ...limits, memoryMb: 128 })).toBe(true);
    await expect
      .poll(async () => runtime.workload.observe('i1'), { timeout: 2_000, interval: 10 })
      .toMatchObject({ running: false, oomKilled: true, exitCode: 137 });
    const lines: OutputLine[] = [];
    await runtime.workload.follow('i1', null, (line) => lines.push(line), new AbortController().signal);
    expect(lines.map((line) => line.line)).toEqual(['hello Ana']);
  });

  it('refuses to run an artifact it never built (or pruned)', async () => {
    const runtime = createMemoryRuntime();
    const { artifact } = await runtime.builder.build(request(await context('pruned', {})));
    await runtime.builder.pruneArtifacts('i1', []);
    await expect(runtime.workload.replace({ instanceId: 'i1', deploymentId: 'd1', artifact, env: {}, limits, revision: 'r' })).rejects.toThrow(
      /no such artifact/,
    );
  });
});
