import { WorkerInstanceRepository } from '@zapdeploy/db';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

/**
 * When an operator's edit of a plan reaches running bots: at their next (re)start, never live; while an owner's own
 * plan change still applies at once. On the memory runtime, whose `observe` reports the limits a bot runs with.
 */

const ADMIN = 'planos@example.com';
const RESYNC_SECONDS = 1;

let git: GitServer;
let api: TestApi;
let admin: TestClient;
let owner: TestClient;

async function signUp(email: string): Promise<TestClient> {
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', { email, password: 'cavalo-bateria-grampo', name: email.split('@')[0] });
  expect(response.status).toBe(200);
  return client;
}

/** The disk allowance the worker's disk watcher holds the instance to. */
async function diskAllowance(id: string): Promise<number | undefined> {
  return (await new WorkerInstanceRepository(api.platform.database.db).diskLimits()).get(id)?.diskMb;
}

async function observe(id: string) {
  const observed = await api.worker?.runtime.workload.observe(id);
  if (!observed) throw new Error('no worker');
  return observed;
}

beforeAll(async () => {
  git = await new GitServer().start();
  api = await startTestApi({
    mode: 'embedded',
    worker: true,
    env: { ZAPDEPLOY_RUNTIME: 'memory', ZAPDEPLOY_SUPERADMINS: ADMIN, ZAPDEPLOY_RESYNC_SECONDS: String(RESYNC_SECONDS) },
  });
  admin = await signUp(ADMIN);
  owner = await signUp('dona-do-bot@example.com');
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

describe("a plan's limits", () => {
  it("reach a running bot at its next restart or resume after an operator's edit, at once after its owner's plan change", async () => {
    const repoUrl = await git.commit(`plan-limits-${Date.now()}`, { ...fixtures.nodeBot, 'memory-bot.json': JSON.stringify({ lines: ['bot started'] }) });
    const created = await owner.post('/api/v1/instances', { name: 'limites', repoUrl, planId: 'plan_bot' });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    await waitForInstance(owner, id, (i) => i.status === 'running');
    const first = await observe(id);
    expect(first.limits).toEqual({ cpuMillis: 250, memoryMb: 256, diskMb: 2048 });

    // (1) An operator raises the plan's memory: the running bot keeps what it was started with, through resyncs.
    const edited = await admin.patch('/api/v1/admin/plans/plan_bot', { memoryMb: 384, cpuMillis: 300, diskMb: 3072 });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({ memoryMb: 384, cpuMillis: 300, diskMb: 3072, appliesFrom: { price: 'next_period', limits: 'next_restart' } });
    // Proving an absence: at least two resync passes (every RESYNC_SECONDS) go by, and nothing changes meanwhile.
    const until = Date.now() + (2 * RESYNC_SECONDS + 1.5) * 1000;
    while (Date.now() < until) {
      const now = await observe(id);
      expect(now.limits).toEqual(first.limits);
      expect(now.startedAt).toBe(first.startedAt);
      expect(now.running).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await owner.get(`/api/v1/instances/${id}`)).body).toMatchObject({ status: 'running', planId: 'plan_bot' });
    expect(await diskAllowance(id)).toBe(2048);

    // (2) Its restart starts it with the plan's current limits, kept from then on.
    expect((await owner.post(`/api/v1/instances/${id}/restart`)).status).toBe(202);
    await expect.poll(async () => (await observe(id)).limits, { timeout: 30_000 }).toEqual({ cpuMillis: 300, memoryMb: 384, diskMb: 3072 });
    expect(await diskAllowance(id)).toBe(3072);
    const restarted = await observe(id);
    expect(restarted.startedAt).not.toBe(first.startedAt);
    await waitForInstance(owner, id, (i) => i.status === 'running');

    // A resume after a pause is a start too: an edit made meanwhile applies then.
    expect((await admin.patch('/api/v1/admin/plans/plan_bot', { memoryMb: 448 })).status).toBe(200);
    expect((await owner.post(`/api/v1/instances/${id}/pause`)).status).toBe(202);
    await waitForInstance(owner, id, (i) => i.status === 'paused');
    expect((await observe(id)).limits).toEqual({ cpuMillis: 300, memoryMb: 384, diskMb: 3072 });
    expect((await owner.post(`/api/v1/instances/${id}/resume`)).status).toBe(202);
    await waitForInstance(owner, id, (i) => i.status === 'running');
    await expect.poll(async () => (await observe(id)).limits, { timeout: 30_000 }).toEqual({ cpuMillis: 300, memoryMb: 448, diskMb: 3072 });

    // (3) The owner's own plan change applies at once, in place (no restart).
    const resumed = await observe(id);
    const moved = await owner.patch(`/api/v1/instances/${id}`, { planId: 'plan_bot_plus' });
    expect(moved.status, moved.text).toBe(200);
    await expect.poll(async () => (await observe(id)).limits, { timeout: 30_000 }).toEqual({ cpuMillis: 500, memoryMb: 512, diskMb: 5120 });
    expect((await observe(id)).startedAt).toBe(resumed.startedAt);
    expect(await diskAllowance(id)).toBe(5120);
    await waitForLog(owner, `/api/v1/instances/${id}/logs`, /512 MB/);
  });
});
