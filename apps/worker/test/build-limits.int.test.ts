import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, waitForInstance } from './deploy-helpers.js';

// One worker with one build slot, builds limited to half a CPU, 64 processes and images of 600 MB.
const docker = new Docker();
let git: GitServer;
let api: TestApi;
let user: TestClient;

beforeAll(async () => {
  git = await new GitServer().start();
  api = await startTestApi({
    mode: 'full',
    worker: true,
    env: {
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      ZAPDEPLOY_MAX_CONCURRENT_BUILDS: '1',
      ZAPDEPLOY_BUILD_CPUS: '0.5',
      ZAPDEPLOY_BUILD_PIDS_LIMIT: '64',
      ZAPDEPLOY_MAX_IMAGE_MB: '600',
    },
  });
  user = new TestClient(api.url);
  const signUp = await user.post('/api/auth/sign-up/email', { email: 'limits@example.com', password: 'cavalo-bateria-grampo', name: 'Limits' });
  expect(signUp.status).toBe(200);
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

type LogLine = { id: string; line: string };

async function deploy(name: string, files: Record<string, string>): Promise<{ id: string; repo: string }> {
  const repo = `${name}-${Date.now()}`;
  const repoUrl = await git.commit(repo, files);
  const response = await user.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot' });
  expect(response.status).toBe(201);
  return { id: response.body.id as string, repo };
}

async function buildLog(instance: Instance): Promise<LogLine[]> {
  const response = await user.get(`/api/v1/deployments/${instance.currentDeployment?.id}/logs?limit=2000`);
  return response.body.items as unknown as LogLine[];
}

/** Stream ids are `<ms>-<seq>`: when the line was written. */
const at = (line: LogLine | undefined) => Number(line?.id.split('-')[0]);

const idle = 'CMD ["node", "-e", "setInterval(() => {}, 1000)"]\n';

describe('build limits', () => {
  it('gives a build half a CPU, and a RUN step that forks past the pids limit fails', async () => {
    const bot = await deploy('forks', {
      Dockerfile: [
        'FROM node:24-slim',
        `RUN echo ${Date.now()} && echo "cpu quota $(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d' ' -f1 /sys/fs/cgroup/cpu.max) per $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cut -d' ' -f2 /sys/fs/cgroup/cpu.max)"`,
        `RUN echo ${Date.now()} && for i in $(seq 1 100); do sleep 5 & done; wait; echo "forked 100"`,
        idle,
      ].join('\n'),
    });
    const failed = await waitForInstance(user, bot.id, (i) => i.status === 'failed');
    expect(failed.statusReason).toBe('build_failed');
    const lines = (await buildLog(failed)).map((l) => l.line);
    expect(lines).toContain('cpu quota 50000 per 100000');
    expect(lines).not.toContain('forked 100');
    expect(lines.some((l) => /Cannot fork|Resource temporarily unavailable/.test(l))).toBe(true);
  });

  it('refuses an image over the size limit, and removes it', async () => {
    // node:24-slim is about 270 MB; 400 MB more makes it too large.
    const bot = await deploy('fat-image', { Dockerfile: `FROM node:24-slim\nRUN echo ${Date.now()} && head -c 400M /dev/zero > /fat\n${idle}` });
    const failed = await waitForInstance(user, bot.id, (i) => i.status === 'failed');
    expect(failed.statusReason).toBe('build_failed');
    expect((await buildLog(failed)).map((l) => l.line)).toContainEqual(expect.stringMatching(/the image is \d+ MB; the limit is 600 MB/));
    expect(await docker.listImages({ filters: { label: [`zapdeploy.instance=${bot.id}`] } })).toHaveLength(0);
  });

  it('runs the builds of one worker one after another when it has one build slot', async () => {
    const dockerfile = (tag: string) => `FROM node:24-slim\nRUN echo ${tag}-${Date.now()} && sleep 4\n${idle}`;
    const [a, b] = await Promise.all([deploy('slot-a', { Dockerfile: dockerfile('a') }), deploy('slot-b', { Dockerfile: dockerfile('b') })]);
    const [first, second] = await Promise.all([
      waitForInstance(user, a.id, (i) => i.status === 'running'),
      waitForInstance(user, b.id, (i) => i.status === 'running'),
    ]);
    const span = async (instance: Instance) => {
      const lines = await buildLog(instance);
      return [at(lines.find((l) => l.line.startsWith('commit '))), at(lines.find((l) => l.line.startsWith('build ok')))] as const;
    };
    const [[aStart, aEnd], [bStart, bEnd]] = [await span(first), await span(second)];
    expect(aEnd - aStart).toBeGreaterThanOrEqual(4000);
    expect(bEnd - bStart).toBeGreaterThanOrEqual(4000);
    // One ended before the other started.
    expect(aEnd <= bStart || bEnd <= aStart).toBe(true);
    const waited = aEnd <= bStart ? b.id : a.id;
    const instanceLog = (await user.get(`/api/v1/instances/${waited}/logs?limit=2000`)).body.items as unknown as LogLine[];
    expect(instanceLog.some((l) => /na fila: aguardando outro build/.test(l.line))).toBe(true);
  });
});

describe('images of old deployments', () => {
  it('keeps only the live image and the one before it', async () => {
    const files = (n: number) => ({ Dockerfile: `FROM node:24-slim\nRUN echo deploy ${n} > /deploy.txt\n${idle}` });
    const bot = await deploy('three-deploys', files(1));
    await waitForInstance(user, bot.id, (i) => i.status === 'running' && i.currentDeployment?.number === 1);
    for (const n of [2, 3]) {
      await git.commit(bot.repo, files(n));
      expect((await user.post(`/api/v1/instances/${bot.id}/redeploy`)).status).toBe(202);
      await waitForInstance(user, bot.id, (i) => i.status === 'running' && i.currentDeployment?.number === n && i.currentDeployment.status === 'live');
    }
    const deployments = (await user.get(`/api/v1/instances/${bot.id}/deployments`)).body.items as { id: string; number: number }[];
    const tag = (n: number) => `zapdeploy/${bot.id}:${deployments.find((d) => d.number === n)?.id}`.toLowerCase();
    const images = await docker.listImages({ filters: { label: [`zapdeploy.instance=${bot.id}`] } });
    expect(images.flatMap((image) => image.RepoTags ?? []).sort()).toEqual([tag(2), tag(3)].sort());
  });
});
