import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGunzip, createGzip, gzipSync } from 'node:zlib';
import { statusOfRunning } from '@zapdeploy/domain';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimePorts } from '../../src/ports.js';
import { removeInstance } from '../../src/remove-instance.js';
import { ABSENT, type BuildRequest, type InstanceSpec, type ObservedState, type OutputLine, type ResourceLimits } from '../../src/runtime.js';
import { listArchive, normalizeSessionArchive } from '../../src/session-archive.js';

/**
 * The bots of the contract, whatever the runtime:
 * - `echo` prints `contract bot up <GREETING>` on stdout, `contract bot stderr` on stderr, then `tick 1`, `tick 2`,
 *   `tick 3` about 100 ms apart, and runs until stopped; its app directory holds `hello.txt` (HELLO);
 * - `crash` prints `contract bot crashing` and exits with code 3;
 * - `oom` uses memory until a 64 MB limit kills it (runtimes that enforce memory limits).
 */
export type ContractBot = 'echo' | 'crash' | 'oom';

export const HELLO = 'hello from the contract bot\n';

/** The bots as one Node script (`node bot.js <bot>`), for runtimes that run Node (in an image or as a process). */
export const CONTRACT_BOT_JS = `
const bot = process.argv[2];
process.on('SIGTERM', () => process.exit(0));
if (bot === 'crash') {
  console.log('contract bot crashing');
  setTimeout(() => process.exit(3), 50);
} else if (bot === 'oom') {
  console.log('contract bot eating memory');
  const hog = [];
  setInterval(() => hog.push(Buffer.alloc(8 * 1024 * 1024, 1)), 20);
} else {
  console.log('contract bot up ' + (process.env.GREETING ?? ''));
  console.error('contract bot stderr');
  let n = 0;
  const tick = setInterval(() => {
    n += 1;
    console.log('tick ' + n);
    if (n === 3) clearInterval(tick);
  }, 100);
  setInterval(() => undefined, 60_000);
}
`;

/** The same bots for the memory runtime (`memory-bot.json`). */
export const CONTRACT_MEMORY_BOTS: Record<ContractBot, unknown> = {
  echo: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the memory bot's placeholder, filled from the instance's env
    lines: ['contract bot up ${GREETING}', { stream: 'stderr', line: 'contract bot stderr' }, 'tick 1', 'tick 2', 'tick 3'],
    files: { 'hello.txt': HELLO },
  },
  crash: { lines: ['contract bot crashing'], exit: { code: 3 } },
  oom: { lines: ['contract bot eating memory'], memoryMb: 4096 },
};

/**
 * A build context for a contract bot: `bot.js`, `hello.txt`, a Dockerfile (FROM node:24-slim, run as `node bot.js
 * <bot>` in /app) and `memory-bot.json`; each runtime reads what it builds from. Removed by the returned function.
 */
export async function contractContext(bot: ContractBot, baseImage = 'node:24-slim'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `zapdeploy-contract-${bot}-`));
  await writeFile(path.join(dir, 'bot.js'), CONTRACT_BOT_JS);
  await writeFile(path.join(dir, 'hello.txt'), HELLO);
  await writeFile(path.join(dir, 'Dockerfile'), `FROM ${baseImage}\nWORKDIR /app\nCOPY bot.js hello.txt ./\nCMD ["node", "bot.js", "${bot}"]\n`);
  await writeFile(path.join(dir, 'memory-bot.json'), JSON.stringify(CONTRACT_MEMORY_BOTS[bot]));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** What a runtime gives the contract. */
export type RuntimeHarness = {
  readonly ports: RuntimePorts;
  /** A build request (but its `onLine` and `signal`) for a contract bot; its context lives until `cleanup`. */
  request(bot: ContractBot, instanceId: string, deploymentId: string): Promise<Omit<BuildRequest, 'onLine' | 'signal'>>;
  /** The engine's own count of the instance's copies, looked at beside the ports (Docker: containers with its label). */
  copies?(instanceId: string): Promise<{ readonly existing: number; readonly running: number }>;
  /** What the engine still holds of the instance, looked at beside the ports (Docker: containers, volumes, images, network). */
  leftovers?(instanceId: string): Promise<string[]>;
  cleanup(): Promise<void>;
};

export type ContractOptions = {
  /** The runtime enforces memory limits, so the `oom` bot is killed for memory (not the process runtime). */
  readonly oom: boolean;
  /** How long a state change may take to show (Docker on a busy machine: seconds). */
  readonly timeoutMs?: number;
  /** The engine keeps stdout and stderr apart (Kubernetes' log API merges them: every line is stdout). */
  readonly separateStreams?: boolean;
};

const LIMITS: ResourceLimits = { cpuMillis: 250, memoryMb: 256, diskMb: 1024 };

/** Calls `probe` until it returns something, or fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function sessionTar(files: Record<string, string>): Promise<Readable> {
  const pack = tarStream.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, body);
  pack.finalize();
  const gzipped = await buffer(Readable.from(pack).pipe(createGzip()));
  return normalizeSessionArchive(gzipped).pipe(createGunzip());
}

/**
 * The contract every runtime (its image builder, workload and instance volume together) passes. Tests run in order on
 * one instance (plus one that crashes and one killed for memory), as the worker drives them.
 */
export function describeRuntimeContract(name: string, makeHarness: () => Promise<RuntimeHarness>, options: ContractOptions): void {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const suffix = `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  const id = `ins_ct${suffix}`;
  const crashId = `ins_cc${suffix}`;
  const oomId = `ins_co${suffix}`;
  let harness: RuntimeHarness;
  let ports: RuntimePorts;
  const artifacts = new Map<string, string>();

  const build = async (bot: ContractBot, instanceId: string, deploymentId: string) => {
    const lines: string[] = [];
    const request = await harness.request(bot, instanceId, deploymentId);
    const built = await ports.builder.build({ ...request, onLine: (line) => lines.push(line), signal: new AbortController().signal });
    artifacts.set(deploymentId, built.artifact);
    return { ...built, lines };
  };
  const spec = (deploymentId: string, revision: string, limits = LIMITS, instanceId = id): InstanceSpec => ({
    instanceId,
    deploymentId,
    artifact: artifacts.get(deploymentId) ?? '',
    env: { GREETING: 'oi' },
    limits,
    revision,
  });
  const observed = (instanceId: string, check: (state: ObservedState) => boolean, what: string) =>
    until(
      what,
      async () => {
        const state = await ports.workload.observe(instanceId);
        return check(state) ? state : undefined;
      },
      timeoutMs,
    );
  /** Follows from `since` until `enough` says so; the lines seen. */
  const follow = async (since: string | null, enough: (lines: OutputLine[]) => boolean): Promise<OutputLine[]> => {
    const lines: OutputLine[] = [];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const done = ports.workload.follow(
      id,
      since,
      (line) => {
        lines.push(line);
        if (enough(lines)) controller.abort();
      },
      controller.signal,
    );
    await done;
    clearTimeout(timer);
    return lines;
  };
  const texts = (lines: OutputLine[]) => lines.map((line) => line.line);

  describe(`${name}: the runtime contract`, () => {
    beforeAll(async () => {
      harness = await makeHarness();
      ports = harness.ports;
      // As the worker does at start.
      await ports.builder.ping();
      await ports.workload.ping();
    });
    afterAll(async () => {
      for (const instanceId of [id, crashId, oomId]) await removeInstance(ports, instanceId).catch(() => undefined);
      await ports?.workload.close();
      await harness?.cleanup();
    });

    it('builds a bot into an artifact', async () => {
      const built = await build('echo', id, 'dep_1');
      expect(built.artifact).toEqual(expect.any(String));
      expect(built.artifact.length).toBeGreaterThan(0);
      expect(typeof built.sessionPersistence).toBe('boolean');
    });

    it('replace runs it, observed with its deployment, revision and limits', async () => {
      expect(await ports.workload.observe(id)).toEqual(ABSENT);
      await ports.workload.replace(spec('dep_1', 'r1'));
      const state = await observed(id, (s) => s.running, 'the bot to run');
      expect(state).toMatchObject({ exists: true, running: true, restarting: false, deploymentId: 'dep_1', revision: 'r1', exitCode: null, oomKilled: false });
      expect(state.limits).toMatchObject({ cpuMillis: 250, memoryMb: 256 });
      expect(state.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(await ports.workload.list()).toContain(id);
    });

    it('follow yields the bot’s lines, and `since` resumes without repeating', async () => {
      const first = await follow(null, (lines) => texts(lines).includes('tick 3'));
      if (options.separateStreams === false) {
        // One stream: stderr's line is there, but its place among stdout's is whichever pipe the engine read first.
        expect(texts(first).filter((line) => line !== 'contract bot stderr')).toEqual(['contract bot up oi', 'tick 1', 'tick 2', 'tick 3']);
        expect(texts(first)).toContain('contract bot stderr');
      } else {
        expect(texts(first.filter((line) => line.stream === 'stdout'))).toEqual(['contract bot up oi', 'tick 1', 'tick 2', 'tick 3']);
        expect(first.find((line) => line.stream === 'stderr')?.line).toBe('contract bot stderr');
      }
      for (const line of first) expect(line.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const since = first.find((line) => line.line === 'tick 1')?.ts ?? '';
      const resumed = await follow(since, (lines) => texts(lines).includes('tick 3'));
      expect(texts(resumed.filter((line) => line.stream === 'stdout'))).toEqual(['tick 2', 'tick 3']);
      for (const line of resumed) expect(line.ts > since).toBe(true);
    });

    it('a second replace never leaves two copies', async () => {
      await build('echo', id, 'dep_2');
      await ports.workload.replace(spec('dep_2', 'r2'));
      await observed(id, (s) => s.running && s.deploymentId === 'dep_2' && s.revision === 'r2', 'the second deployment to run');
      expect((await ports.workload.list()).filter((listed) => listed === id)).toHaveLength(1);
      if (harness.copies) expect(await harness.copies(id)).toEqual({ existing: 1, running: 1 });
    });

    it('stop: nothing runs, the instance stays', async () => {
      await ports.workload.stop(id);
      const state = await ports.workload.observe(id);
      expect(state).toMatchObject({ exists: true, running: false, restarting: false, deploymentId: 'dep_2' });
      if (harness.copies) expect(await harness.copies(id)).toEqual({ existing: 1, running: 0 });
      expect(await ports.workload.list()).toContain(id);
    });

    it('start runs the same deployment again', async () => {
      await ports.workload.start(id);
      await observed(id, (s) => s.running, 'the bot to run again');
      expect(await ports.workload.observe(id)).toMatchObject({ deploymentId: 'dep_2', revision: 'r2', exitCode: null });
      if (harness.copies) expect(await harness.copies(id)).toEqual({ existing: 1, running: 1 });
    });

    it('restart starts a new run of it', async () => {
      const before = await ports.workload.observe(id);
      await ports.workload.restart(id);
      const after = await observed(id, (s) => s.running && s.startedAt !== before.startedAt, 'a new run');
      expect(after).toMatchObject({ deploymentId: 'dep_2', revision: 'r2' });
      expect(after.startedAt && before.startedAt && after.startedAt > before.startedAt).toBe(true);
    });

    it('updateLimits applies new limits in place, or says the workload must be replaced', async () => {
      const limits = { cpuMillis: 500, memoryMb: 512, diskMb: 2048 };
      const applied = await ports.workload.updateLimits(id, limits);
      if (!applied) await ports.workload.replace(spec('dep_2', 'r2', limits));
      const state = await observed(id, (s) => s.running, 'the bot to run with its new limits');
      expect(state.limits).toMatchObject({ cpuMillis: 500, memoryMb: 512 });
    });

    it('watch reports a stop', async () => {
      const seen: string[] = [];
      const controller = new AbortController();
      const watching = ports.workload.watch((instanceId) => seen.push(instanceId), controller.signal);
      let failure: unknown;
      watching.catch((error: unknown) => {
        failure = error;
      });
      // The watch may take a moment to open: the instance is stopped and started until a change shows.
      for (let attempt = 0; attempt < 5 && !seen.includes(id); attempt += 1) {
        const running = (await ports.workload.observe(id)).running;
        await (running ? ports.workload.stop(id) : ports.workload.start(id));
        await until('a change', async () => (seen.includes(id) ? true : undefined), 3_000).catch(() => undefined);
      }
      controller.abort();
      await watching.catch(() => undefined);
      expect(failure).toBeUndefined();
      expect(seen).toContain(id);
      await ports.workload.stop(id);
    });

    it('sessions: import → export round trip, kept across a replace, counted on disk, cleared', async () => {
      await ports.workload.stop(id);
      await ports.volume.importSessions(id, await sessionTar({ 'sessions/auth_info/creds.json': '{"id":7}', 'sessions/auth_info/keys/a.json': '[1]' }));
      const exported = await ports.volume.exportSessions(id, async (tar) => buffer(tar));
      const files = await listArchive(gzipSync(exported ?? Buffer.alloc(0)));
      expect(files.get('sessions/auth_info/creds.json')?.toString()).toBe('{"id":7}');
      expect(files.get('sessions/auth_info/keys/a.json')?.toString()).toBe('[1]');

      expect((await ports.volume.diskUsage()).get(id)).toBeGreaterThan(0);

      await ports.workload.replace(spec('dep_1', 'r3'));
      await observed(id, (s) => s.running && s.deploymentId === 'dep_1', 'the bot to run dep_1 again');
      if (harness.copies) expect(await harness.copies(id)).toEqual({ existing: 1, running: 1 });
      await ports.workload.stop(id);
      const kept = await ports.volume.exportSessions(id, async (tar) => listArchive(gzipSync(await buffer(tar))));
      expect(kept?.get('sessions/auth_info/creds.json')?.toString()).toBe('{"id":7}');

      await ports.volume.clearSessions(id);
      expect(await ports.volume.exportSessions(id, async (tar) => buffer(tar))).toBeUndefined();
    });

    it('readFile reads a small file of the running bot’s app directory, nothing else', async () => {
      // The worker reads files (BuilderBot's QR code) of bots that run.
      await ports.workload.start(id);
      await observed(id, (s) => s.running, 'the bot to run for readFile');
      expect((await ports.workload.readFile(id, 'hello.txt', 1024))?.toString()).toBe(HELLO);
      expect(await ports.workload.readFile(id, 'hello.txt', 3)).toBeUndefined();
      expect(await ports.workload.readFile(id, 'missing.txt', 1024)).toBeUndefined();
      expect(await ports.workload.readFile(id, '../etc/passwd', 1024 * 1024)).toBeUndefined();
      expect(await ports.workload.readFile(id, '/etc/passwd', 1024 * 1024)).toBeUndefined();
    });

    it('a crash and an OOM show the same way: exit code, OOM flag, not running once restarts are spent', async () => {
      await build('crash', crashId, 'dep_crash');
      await ports.workload.replace(spec('dep_crash', 'r1', { cpuMillis: 250, memoryMb: 64, diskMb: 256 }, crashId));
      const crashed = await observed(crashId, (s) => !s.running && !s.restarting && s.exitCode !== null, 'the crash to settle');
      expect(crashed).toMatchObject({ exists: true, exitCode: 3, oomKilled: false });
      expect(statusOfRunning(crashed, 64)).toEqual({ status: 'crashed', reason: 'exit_code:3' });
      if (!options.oom) return;
      await build('oom', oomId, 'dep_oom');
      await ports.workload.replace(spec('dep_oom', 'r1', { cpuMillis: 250, memoryMb: 64, diskMb: 256 }, oomId));
      const killed = await observed(oomId, (s) => !s.running && !s.restarting && s.exitCode !== null, 'the OOM kill to settle');
      expect(killed).toMatchObject({ exists: true, oomKilled: true });
      expect(statusOfRunning(killed, 64)).toEqual({ status: 'crashed', reason: 'oom_killed:64' });
    });

    it('remove (workload, volume, artifacts) leaves nothing', async () => {
      await ports.workload.replace(spec('dep_1', 'r4'));
      await ports.workload.stop(id);
      await ports.volume.importSessions(id, await sessionTar({ 'sessions/auth_info/creds.json': '{"id":8}' }));
      await removeInstance(ports, id);
      expect(await ports.workload.list()).not.toContain(id);
      expect(await ports.workload.observe(id)).toEqual(ABSENT);
      expect((await ports.volume.diskUsage()).has(id)).toBe(false);
      expect(await ports.volume.exportSessions(id, async (tar) => buffer(tar))).toBeUndefined();
      if (harness.leftovers) expect(await harness.leftovers(id)).toEqual([]);
      // Removing what is gone is fine (a retried delete).
      await removeInstance(ports, id);
    });
  });
}
