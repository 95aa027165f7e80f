import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepareSource } from '@zapdeploy/builder';
import { createDockerRuntime, names, type OutputLine, removeInstance } from '@zapdeploy/runtime';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { dockerTestSettings } from '@zapdeploy/test-support/support/docker';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const docker = new Docker();
let git: GitServer;
let work: string;
const runtime = createDockerRuntime(dockerTestSettings());
const instanceId = `ins_rt${Date.now().toString(36)}`;
const limits = { cpuMillis: 250, memoryMb: 256, diskMb: 1024 };

beforeAll(async () => {
  git = await new GitServer().start();
  work = await mkdtemp(path.join(tmpdir(), 'zapdeploy-rt-'));
});
afterAll(async () => {
  await removeInstance(runtime, instanceId).catch(() => undefined);
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

async function buildFixture(files: Record<string, string>, deploymentId: string) {
  const repoUrl = await git.commit(`${instanceId}-${deploymentId}`, files);
  const prepared = await prepareSource({
    repoUrl,
    branch: null,
    rootDir: '',
    workDir: path.join(work, deploymentId),
    allowPrivateHosts: true,
    timeoutMs: 60_000,
    maxBytes: 50 * 1024 * 1024,
    caFile: dockerTestSettings().caFile ?? null,
    nodeImage: 'node:24-slim',
    pythonImage: 'python:3.11-slim',
    allowedRegistries: [],
  });
  const lines: string[] = [];
  const { artifact } = await runtime.builder.build({
    instanceId,
    deploymentId,
    contextDir: prepared.contextDir,
    dockerfile: prepared.dockerfile,
    baseImages: prepared.baseImages,
    commands: null,
    onLine: (l) => lines.push(l),
    signal: new AbortController().signal,
  });
  return { artifact, lines, prepared };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('timed out');
}

async function execIn(container: string, script: string): Promise<string> {
  const exec = await docker.getContainer(container).exec({ Cmd: ['node', '-e', script], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = { write: (chunk: Buffer) => chunks.push(chunk) } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on('end', resolve));
  return Buffer.concat(chunks).toString('utf8');
}

// Lifecycle, logs, limits, sessions and removal are the runtime contract's (docker.contract.int.test.ts); these are
// Docker's own guarantees: a generated image with its npm dependencies, a non-root bot without capabilities, the
// Docker socket or a route to the host, and a /data volume the bot user may write that outlives its container.
describe('Docker runtime hardening', () => {
  it('builds a Node bot with its npm dependency, runs it non-root, and streams its output', async () => {
    const { artifact, lines } = await buildFixture(fixtures.nodeBot, 'dep_1');
    expect(lines.join('\n')).toMatch(/RUN npm install/);
    await runtime.workload.replace({ instanceId, deploymentId: 'dep_1', artifact, env: { GREETING: 'oi' }, limits, revision: 'r1' });
    const output: OutputLine[] = [];
    const controller = new AbortController();
    const following = runtime.workload.follow(instanceId, null, (line) => output.push(line), controller.signal);
    await waitFor(async () => (output.some((l) => l.line === 'tick 2') ? true : undefined));
    controller.abort();
    await following;
    expect(output.find((l) => l.line.startsWith('bot started'))?.line).toBe('bot started deps ok user 1000');
    expect(output.find((l) => l.stream === 'stderr')?.line).toBe('a line on stderr');
    expect(output[0]?.ts).toMatch(/^\d{4}-\d\d-\d\dT/);
    const observed = await runtime.workload.observe(instanceId);
    expect(observed).toMatchObject({ exists: true, running: true, deploymentId: 'dep_1', revision: 'r1', limits: { memoryMb: 256, cpuMillis: 250 } });
  });

  it('gives the bot no capabilities, no Docker socket and no route to the host or private networks', async () => {
    const network = await docker.getNetwork(names.network(instanceId)).inspect();
    const gateway = network.IPAM?.Config?.[0]?.Gateway as string;
    const probe = `
      const net = require('node:net'); const fs = require('node:fs');
      const status = fs.readFileSync('/proc/self/status', 'utf8');
      const capEff = /CapEff:\\s*(\\w+)/.exec(status)[1];
      const noNewPrivs = /NoNewPrivs:\\s*(\\d)/.exec(status)[1];
      const socket = fs.existsSync('/var/run/docker.sock') || fs.existsSync('/run/docker.sock');
      const tryPort = (host, port) => new Promise((resolve) => {
        const s = net.connect({ host, port, timeout: 1500 });
        s.on('connect', () => { s.destroy(); resolve('open'); });
        s.on('timeout', () => { s.destroy(); resolve('blocked'); });
        s.on('error', (e) => resolve(e.code));
      });
      (async () => {
        const ports = {};
        for (const port of [5432, 6379, 5672, 4000, 2375]) ports[port] = await tryPort(${JSON.stringify(gateway)}, port);
        console.log(JSON.stringify({ capEff, noNewPrivs, socket, uid: process.getuid(), ports }));
      })();`;
    const report = JSON.parse((await execIn(names.container(instanceId), probe)).trim().split('\n').at(-1) ?? '{}');
    expect(report.capEff).toBe('0000000000000000');
    expect(report.noNewPrivs).toBe('1');
    expect(report.socket).toBe(false);
    expect(report.uid).toBe(1000);
    for (const [port, state] of Object.entries(report.ports)) expect(state, `host port ${port}`).not.toBe('open');
  });

  it('gives the bot user a writable /data that outlives a replace, with one container for the instance', async () => {
    const { artifact } = await buildFixture({ ...fixtures.nodeBot, 'index.js': `${fixtures.nodeBot['index.js']}\nconsole.log('v2');` }, 'dep_2');
    const before = await execIn(names.container(instanceId), "console.log(require('fs').readFileSync('/data/started.txt','utf8'))");
    await runtime.workload.replace({ instanceId, deploymentId: 'dep_2', artifact, env: {}, limits, revision: 'r2' });
    const containers = await docker.listContainers({ all: true, filters: { label: [`zapdeploy.instance=${instanceId}`] } });
    expect(containers).toHaveLength(1);
    expect(containers[0]?.Labels['zapdeploy.deployment']).toBe('dep_2');
    await waitFor(async () => ((await runtime.workload.observe(instanceId)).running ? true : undefined));
    const after = await execIn(names.container(instanceId), "console.log(require('fs').existsSync('/data/started.txt'))");
    expect(before.trim()).toMatch(/^\d{4}-/);
    expect(after.trim()).toBe('true');
  });
});
