import { tables } from '@zapdeploy/db';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import Docker from 'dockerode';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance } from './deploy-helpers.js';

const docker = new Docker();
let git: GitServer;
let api: TestApi;

beforeAll(async () => {
  git = await new GitServer().start();
  api = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'true', ZAPDEPLOY_GUEST_TTL_DAYS: '3' } });
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

describe('an idle guest', () => {
  it('is deleted with their running bot: container and volume gone, through the worker', async () => {
    const guest = new TestClient(api.url);
    const guestId = ((await guest.post('/api/v1/guest')).body.user as { id: string }).id;
    const repoUrl = await git.commit(`guest-expiry-${Date.now()}`, fixtures.nodeBot);
    const created = await guest.post('/api/v1/instances', { name: 'bot-de-visitante', repoUrl });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitForInstance(guest, id, (i) => i.status === 'running');
    expect(await docker.listContainers({ all: true, filters: { label: [`zapdeploy.instance=${id}`] } })).toHaveLength(1);

    await api.platform.database.db
      .update(tables.users)
      .set({ lastActiveAt: new Date(Date.now() - 4 * 24 * 60 * 60 * 1000) })
      .where(eq(tables.users.id, guestId));
    expect(await api.platform.guests.sweep()).toBe(1);

    expect((await guest.get('/api/v1/me')).status).toBe(401);
    await expect
      .poll(async () => (await api.platform.database.db.select().from(tables.instances).where(eq(tables.instances.id, id)))[0]?.deletedAt ?? null, {
        timeout: 90_000,
      })
      .not.toBeNull();
    expect(await docker.listContainers({ all: true, filters: { label: [`zapdeploy.instance=${id}`] } })).toHaveLength(0);
    expect((await docker.listVolumes({ filters: { label: [`zapdeploy.instance=${id}`] } })).Volumes ?? []).toHaveLength(0);
  });
});
