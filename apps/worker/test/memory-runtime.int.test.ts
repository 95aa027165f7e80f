import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { createRuntime, loadWorkerConfig, RuntimeUnavailableError } from '@zapdeploy/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

let git: GitServer;
let api: TestApi;

beforeAll(async () => {
  git = await new GitServer().start();
  api = await startTestApi({ mode: 'embedded', worker: true, env: { ZAPDEPLOY_RUNTIME: 'memory' } });
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

/** A repository the builder detects as a Node bot, whose memory artifact does what `script` says. */
const repo = (name: string, script: unknown) => git.commit(`${name}-${Date.now()}`, { ...fixtures.nodeBot, 'memory-bot.json': JSON.stringify(script) });

describe('the worker on the memory runtime (ZAPDEPLOY_RUNTIME=memory)', () => {
  it('deploys, logs, pauses, resumes, shows a crash, and deletes, all through the API', async () => {
    expect(api.worker?.runtime.kind).toBe('memory');
    const client = new TestClient(api.url);
    expect((await client.post('/api/auth/sign-up/email', { email: 'bench@example.com', password: 'cavalo-bateria-grampo', name: 'Bench' })).status).toBe(200);

    const created = await client.post('/api/v1/instances', {
      name: 'memory-bot',
      repoUrl: await repo('memory-bot', { lines: ['bot started', 'tick 1', 'tick 2'] }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitForInstance(client, id, (i) => i.status === 'running');
    await waitForLog(client, `/api/v1/instances/${id}/logs`, /tick 2/);
    expect((await client.get(`/api/v1/instances/${id}/whatsapp`)).body.sessionPersisted).toBe(true);
    await client.post(`/api/v1/instances/${id}/pause`);
    await waitForInstance(client, id, (i) => i.status === 'paused');
    expect((await api.worker?.runtime.workload.observe(id))?.running).toBe(false);
    await client.post(`/api/v1/instances/${id}/resume`);
    await waitForInstance(client, id, (i) => i.status === 'running');

    const crashing = await client.post('/api/v1/instances', {
      name: 'crashing-bot',
      repoUrl: await repo('crashing-bot', { lines: ['oops'], exit: { code: 3 } }),
      planId: 'plan_bot',
    });
    expect(crashing.status).toBe(201);
    const crashId = crashing.body.id as string;
    // The engine's watch tells the worker, which sees the restarts spent and says why.
    const crashed = await waitForInstance(client, crashId, (i) => i.status === 'crashed', 60_000);
    expect(crashed.statusReason).toBe('exit_code:3');

    for (const instanceId of [id, crashId]) {
      await client.delete(`/api/v1/instances/${instanceId}`);
      await expect.poll(async () => (await client.get(`/api/v1/instances/${instanceId}`)).status, { timeout: 30_000 }).toBe(404);
    }
    expect(await api.worker?.runtime.workload.list()).toEqual([]);
    expect([...((await api.worker?.runtime.volume.diskUsage()) ?? new Map()).keys()]).toEqual([]);
  });

  it('is refused where the process runtime is: public sign-ups, guests, an install reachable beyond loopback', () => {
    const refused = (env: Record<string, string>) => () => createRuntime(loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'memory', ...env }));
    expect(refused({ ZAPDEPLOY_PUBLIC_SIGNUPS: 'true' })).toThrow(RuntimeUnavailableError);
    expect(refused({ ZAPDEPLOY_GUESTS: 'true' })).toThrow(/memory runtime runs no bot for real.*ZAPDEPLOY_GUESTS=true/);
    expect(refused({ HOST: '0.0.0.0' })).toThrow(RuntimeUnavailableError);
    expect(createRuntime(loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'memory', ZAPDEPLOY_DATA_DIR: api.dataDir })).kind).toBe('memory');
    // Kubernetes needs its kubeconfig (and the database, for tenants): said before anything starts.
    expect(() => loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'kubernetes' })).toThrow(/ZAPDEPLOY_KUBECONFIG/);
    expect(() => createRuntime(loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'kubernetes', ZAPDEPLOY_KUBECONFIG: '/nonexistent' }))).toThrow(RuntimeUnavailableError);
  });
});
