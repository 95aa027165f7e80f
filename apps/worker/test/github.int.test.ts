import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { signWebhook } from '@zapdeploy/github';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { GithubStandIn } from '@zapdeploy/test-support/stand-ins/github';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Instance, waitForInstance, waitForLog } from './deploy-helpers.js';

const WEBHOOK_SECRET = 'webhook-secret-0123456789';
let github: GithubStandIn;
let git: GitServer;
let api: TestApi;
let mona: TestClient;
let instanceId: string;
let repoUrl: string;

beforeAll(async () => {
  git = await new GitServer().start();
  github = await new GithubStandIn().start();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  github.appId = '424242';
  github.appPublicKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  github.git = git;
  github.account = { id: 7, login: 'mona', name: 'Mona', email: null, emails: [{ email: 'mona@example.com', primary: true, verified: true }] };
  github.installations.set(99, { id: 99, accountIds: [7] });
  github.repos.set('acme/private-bot', { fullName: 'acme/private-bot', private: true, defaultBranch: 'main', installationId: 99 });
  await git.commit('acme/private-bot', fixtures.nodeBot);
  repoUrl = `${github.url}/acme/private-bot`;
  api = await startTestApi({
    mode: 'full',
    worker: true,
    env: {
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_API_URL: github.url,
      GITHUB_WEB_URL: github.url,
      GITHUB_APP_ID: github.appId,
      GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString().replace(/\n/g, '\\n'),
      GITHUB_APP_SLUG: 'zapdeploy-test',
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
  mona = new TestClient(api.url);
  const start = await mona.post('/api/auth/sign-in/social', { provider: 'github', callbackURL: '/instances' });
  await mona.follow(start.body.url as string);
  expect((await mona.get('/api/v1/me')).body.user).toMatchObject({ email: 'mona@example.com' });
});
afterAll(async () => {
  await api?.close();
  await github?.stop();
  await git?.stop();
});

async function push(body: unknown, headers: Record<string, string> = {}) {
  const raw = JSON.stringify(body);
  return fetch(`${api.url}/api/webhooks/github`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': signWebhook(raw, WEBHOOK_SECRET),
      ...headers,
    },
    body: raw,
  });
}

describe('private repositories through the GitHub App', () => {
  it('lists the repositories the user can pick, with the install link', async () => {
    const repos = await mona.get('/api/v1/github/repos');
    expect(repos.status).toBe(200);
    expect(repos.body).toEqual({
      items: [{ fullName: 'acme/private-bot', htmlUrl: repoUrl, private: true, defaultBranch: 'main', installationId: '99' }],
      installUrl: `${github.url}/apps/zapdeploy-test/installations/new`,
    });
  });

  it('deploys a private repository with an installation token', async () => {
    const created = await mona.post('/api/v1/instances', { name: 'private-bot', repoUrl, planId: 'plan_bot' });
    expect(created.status).toBe(201);
    instanceId = created.body.id as string;
    await waitForInstance(mona, instanceId, (i) => i.status === 'running');
    await waitForLog(mona, `/api/v1/instances/${instanceId}/logs`, /bot started/);
    expect(github.installationTokenRequests.at(-1)).toEqual({ installationId: '99', validJwt: true });
  });

  it('refuses the same private repository to a user whose GitHub cannot see it', async () => {
    const other = new TestClient(api.url);
    await other.post('/api/auth/sign-up/email', { email: 'eve@example.com', password: 'cavalo-bateria-grampo', name: 'Eve' });
    const refused = await other.post('/api/v1/instances', { name: 'stolen', repoUrl, planId: 'plan_bot' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('repo_not_accessible');
    expect((await other.get('/api/v1/github/repos')).body.code).toBe('github_not_connected');
  });
});

describe('push to deploy', () => {
  it('redeploys on a signed push to the branch, once per delivery', async () => {
    await git.commit('acme/private-bot', { 'index.js': `${fixtures.nodeBot['index.js']}\nconsole.log('second version');` });
    const payload = { ref: 'refs/heads/main', after: 'f'.repeat(40), repository: { html_url: repoUrl, clone_url: `${repoUrl}.git`, default_branch: 'main' } };
    const delivery = randomUUID();
    const first = await push(payload, { 'x-github-delivery': delivery });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ redeployed: 1 });
    const again = await push(payload, { 'x-github-delivery': delivery });
    expect(await again.json()).toEqual({ duplicate: true, redeployed: 0 });
    const live: Instance = await waitForInstance(
      mona,
      instanceId,
      (i) => i.currentDeployment?.number === 2 && i.currentDeployment.status === 'live' && i.status === 'running',
    );
    expect(live.currentDeployment?.commitSha).toMatch(/^[0-9a-f]{40}$/);
    await waitForLog(mona, `/api/v1/instances/${instanceId}/logs`, /second version/);
    const history = await mona.get(`/api/v1/instances/${instanceId}/deployments`);
    expect((history.body.items as { trigger: string }[])[0]?.trigger).toBe('push');
  });

  it('ignores pushes to other branches and refuses forged signatures', async () => {
    const other = await push({ ref: 'refs/heads/feature', after: 'a'.repeat(40), repository: { html_url: repoUrl, default_branch: 'main' } });
    expect(await other.json()).toEqual({ redeployed: 0 });
    const forged = await push(
      { ref: 'refs/heads/main', after: 'b'.repeat(40), repository: { html_url: repoUrl, default_branch: 'main' } },
      { 'x-hub-signature-256': signWebhook('{}', 'wrong-secret-000000') },
    );
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    const ping = await fetch(`${api.url}/api/webhooks/github`, {
      method: 'POST',
      headers: { 'x-github-event': 'ping', 'x-hub-signature-256': signWebhook('{}', WEBHOOK_SECRET) },
      body: '{}',
    });
    expect(ping.status).toBe(202);
  });
});
