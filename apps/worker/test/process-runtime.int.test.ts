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
  api = await startTestApi({ mode: 'embedded', worker: true, env: { ZAPDEPLOY_RUNTIME: 'process' } });
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

describe('ProcessRuntime (a laptop without Docker, embedded mode)', () => {
  it('builds and runs a bot as a local process with the same lifecycle and logs', async () => {
    expect(api.worker?.runtime.kind).toBe('process');
    // The laptop's owner signs up (a closed install takes no guests: ProcessRuntime runs only for its owner).
    const guest = new TestClient(api.url);
    expect((await guest.post('/api/v1/guest')).status).toBe(403);
    expect((await guest.post('/api/auth/sign-up/email', { email: 'dona@example.com', password: 'cavalo-bateria-grampo', name: 'Dona' })).status).toBe(200);
    const repoUrl = await git.commit(`process-bot-${Date.now()}`, {
      ...fixtures.nodeBot,
      'index.js': fixtures.nodeBot['index.js'].replace("fs.writeFileSync('/data/started.txt', new Date().toISOString());", ''),
    });
    const created = await guest.post('/api/v1/instances', { name: 'laptop-bot', repoUrl });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitForInstance(guest, id, (i) => i.status === 'running');
    await waitForLog(guest, `/api/v1/instances/${id}/logs`, /tick 2/);
    await guest.post(`/api/v1/instances/${id}/pause`);
    await waitForInstance(guest, id, (i) => i.status === 'paused');
    await guest.post(`/api/v1/instances/${id}/resume`);
    await waitForInstance(guest, id, (i) => i.status === 'running');
    await guest.delete(`/api/v1/instances/${id}`);
    await expect.poll(async () => (await guest.get(`/api/v1/instances/${id}`)).status, { timeout: 30_000 }).toBe(404);
  });

  it('refuses to run while the install is open to public sign-ups', () => {
    const config = loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'process', ZAPDEPLOY_PUBLIC_SIGNUPS: 'true' });
    expect(() => createRuntime(config)).toThrow(RuntimeUnavailableError);
  });

  it('refuses to run while guests may get in, or the platform is reachable beyond loopback', () => {
    const refused = (env: Record<string, string>) => () => createRuntime(loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'process', ...env }));
    expect(refused({ ZAPDEPLOY_GUESTS: 'true' })).toThrow(/ZAPDEPLOY_GUESTS=true/);
    expect(refused({ HOST: '0.0.0.0' })).toThrow(/reachable beyond this machine \(HOST=0\.0\.0\.0/);
    expect(refused({ HOST: '::' })).toThrow(RuntimeUnavailableError);
    expect(refused({ API_HOST: '192.168.0.10' })).toThrow(RuntimeUnavailableError);
    expect(refused({ ZAPDEPLOY_PUBLIC_URL: 'https://bots.example.com' })).toThrow(/ZAPDEPLOY_PUBLIC_URL=https:\/\/bots\.example\.com/);
    // A full install listens on every interface unless told otherwise.
    expect(
      refused({
        DATABASE_URL: 'postgres://db/x',
        AMQP_URL: 'amqp://mq',
        REDIS_URL: 'redis://r',
        ZAPDEPLOY_SECRET: 'x'.repeat(32),
        ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      }),
    ).toThrow(RuntimeUnavailableError);
    // The laptop default: embedded, loopback, closed.
    expect(createRuntime(loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'process', ZAPDEPLOY_DATA_DIR: api.dataDir })).kind).toBe('process');
    expect(
      createRuntime(
        loadWorkerConfig({ ZAPDEPLOY_RUNTIME: 'process', ZAPDEPLOY_DATA_DIR: api.dataDir, HOST: '::1', ZAPDEPLOY_PUBLIC_URL: 'http://127.0.0.1:3000' }),
      ).kind,
    ).toBe('process');
  });
});
