import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { Redirector } from '@zapdeploy/test-support/stand-ins/redirector';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The API may reach two private hosts only: a host that redirects to the git server, and a slow one in front of it.
// The git server itself is not allowed, as a machine of a private network is not on a public install.
let git: GitServer;
let moved: Redirector;
let slow: Redirector;
let api: TestApi;
let user: TestClient;

beforeAll(async () => {
  git = await new GitServer().start();
  moved = await new Redirector(() => git.url).start();
  slow = await new Redirector(() => `http://localhost:${gitPort()}`, 302, 1500).start();
  api = await startTestApi({
    mode: 'full',
    env: { ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS: `127.0.0.1:${moved.port},127.0.0.1:${slow.port},localhost:${gitPort()}` },
  });
  user = new TestClient(api.url);
  expect((await user.post('/api/v1/guest')).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await moved?.stop();
  await slow?.stop();
  await git?.stop();
});

const gitPort = () => Number(new URL(git.url).port);
const path = (url: string) => new URL(url).pathname;

describe('inspecting a repository: where the API may connect', () => {
  it('refuses a redirect to a private address; git is never reached', async () => {
    const repo = await git.commit(`moved-${Date.now()}`, fixtures.nodeBot);
    const before = git.requests;
    const answer = await user.post('/api/v1/repositories/inspect', { repoUrl: `${moved.url}${path(repo)}` });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: false, problem: { code: 'repo_host_not_allowed' } });
    expect(moved.requests).toBeGreaterThan(0);
    expect(git.requests).toBe(before);
  });

  it('refuses [::ffff:127.0.0.1] and other spellings of private addresses', async () => {
    const repo = path(await git.commit(`spelled-${Date.now()}`, fixtures.nodeBot));
    const port = new URL(git.url).port;
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[64:ff9b::7f00:1]', '127.1', '2130706433', '[::1]']) {
      const answer = await user.post('/api/v1/repositories/inspect', { repoUrl: `https://${host}:${port}${repo}` });
      expect(answer.body, host).toMatchObject({ ok: false, problem: { code: 'repo_host_not_allowed' } });
    }
  });
});

describe('inspecting a repository: bounded', () => {
  it('runs one inspection at a time per user, one more waiting (429 beyond), and reuses the result for the same commit', async () => {
    const repo = await git.commit(`slow-${Date.now()}`, fixtures.nodeBot);
    // The slow host answers after 1.5 s with a redirect to localhost:<git port>, which is allowed.
    const slowUrl = `${slow.url}${path(repo)}`;
    const first = user.post('/api/v1/repositories/inspect', { repoUrl: slowUrl });
    await expect.poll(() => slow.requests, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    // One more waits its turn (the form asks again when a field changes); beyond that it is refused.
    const [second, third] = await Promise.all([
      user.post('/api/v1/repositories/inspect', { repoUrl: slowUrl, rootDir: '.' }),
      user.post('/api/v1/repositories/inspect', { repoUrl: slowUrl }),
    ]);
    const refused = [second, third].filter((answer) => answer.status === 429);
    const served = [second, third].filter((answer) => answer.status === 200);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.body).toMatchObject({ code: 'inspect_busy' });
    expect(refused[0]?.headers.get('retry-after')).toBe('5');
    expect(served[0]?.body).toMatchObject({ ok: true, kind: 'node' });
    expect((await first).body).toMatchObject({ ok: true, kind: 'node' });

    // Same repository, branch, folder and commit: no new clone, only the commit is asked for.
    const direct = `http://localhost:${gitPort()}${path(repo)}`;
    const beforeFirst = git.requests;
    expect((await user.post('/api/v1/repositories/inspect', { repoUrl: direct })).body).toMatchObject({ ok: true, kind: 'node' });
    const uncached = git.requests - beforeFirst;
    const beforeSecond = git.requests;
    expect((await user.post('/api/v1/repositories/inspect', { repoUrl: direct })).body).toMatchObject({ ok: true, kind: 'node' });
    const cached = git.requests - beforeSecond;
    expect(cached).toBeLessThan(uncached);
    // A new commit is looked at anew.
    await git.commit(path(repo).slice(1, -'.git'.length), { Dockerfile: 'FROM node:24-slim\n' });
    expect((await user.post('/api/v1/repositories/inspect', { repoUrl: direct })).body).toMatchObject({ ok: true, kind: 'dockerfile' });
  });
});
