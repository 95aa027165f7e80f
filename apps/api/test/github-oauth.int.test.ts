import { tables } from '@zapdeploy/db';
import { GithubStandIn } from '@zapdeploy/test-support/stand-ins/github';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let github: GithubStandIn;
let api: TestApi;

beforeAll(async () => {
  github = await new GithubStandIn().start();
  api = await startTestApi({
    mode: 'full',
    env: { GITHUB_CLIENT_ID: github.clientId, GITHUB_CLIENT_SECRET: github.clientSecret, GITHUB_API_URL: github.url, GITHUB_WEB_URL: github.url },
  });
});
afterAll(async () => {
  await api?.close();
  await github?.stop();
});

async function signInWithGithub(browser: TestClient) {
  const start = await browser.post('/api/auth/sign-in/social', { provider: 'github', callbackURL: '/instances' });
  expect(start.status).toBe(200);
  const authorizeUrl = new URL(start.body.url as string);
  expect(authorizeUrl.origin).toBe(github.url);
  expect(authorizeUrl.pathname).toBe('/login/oauth/authorize');
  expect(authorizeUrl.searchParams.get('client_id')).toBe(github.clientId);
  expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${api.url}/api/auth/callback/github`);
  return browser.follow(authorizeUrl.toString());
}

describe('GitHub sign-in', () => {
  it('creates an account from the GitHub profile and its verified primary e-mail', async () => {
    github.account = { id: 501, login: 'joana', name: 'Joana Dev', email: null, emails: [{ email: 'joana@example.com', primary: true, verified: true }] };
    const browser = new TestClient(api.url);
    const landing = await signInWithGithub(browser);
    expect(new URL(landing.url).pathname).toBe('/instances');
    const me = await browser.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ name: 'Joana Dev', email: 'joana@example.com', emailVerified: true, isGuest: false });
    expect(github.tokenRequests.at(-1)).toMatchObject({ client_id: github.clientId, client_secret: github.clientSecret });
  });

  it('signs the same GitHub user into the same account again, with the OAuth token encrypted at rest', async () => {
    github.account = {
      id: 502,
      login: 'lucas',
      name: null,
      email: 'lucas@example.com',
      emails: [{ email: 'lucas@example.com', primary: true, verified: true }],
    };
    const first = new TestClient(api.url);
    await signInWithGithub(first);
    const second = new TestClient(api.url);
    await signInWithGithub(second);
    const [a, b] = await Promise.all([first.get('/api/v1/me'), second.get('/api/v1/me')]);
    expect((a.body.user as { id: string }).id).toBe((b.body.user as { id: string }).id);
    expect((a.body.user as { name: string }).name).toBe('lucas');
    const rows = await api.platform.database.db.query.accounts.findMany();
    const githubRows = rows.filter((row) => row.providerId === 'github');
    expect(githubRows.length).toBeGreaterThan(0);
    for (const row of githubRows) expect(row.accessToken ?? '').not.toMatch(/^gho_/);
  });

  it('keeps a guest’s instance when the guest signs in with GitHub', async () => {
    github.account = { id: 503, login: 'rita', name: 'Rita', email: null, emails: [{ email: 'rita@example.com', primary: true, verified: true }] };
    const browser = new TestClient(api.url);
    const guest = await browser.post('/api/v1/guest');
    const created = await browser.post('/api/v1/instances', { name: 'bot-da-rita', repoUrl: 'https://github.com/rita/bot' });
    expect(created.status).toBe(201);
    await signInWithGithub(browser);
    const me = await browser.get('/api/v1/me');
    expect(me.body.user).toMatchObject({ email: 'rita@example.com', isGuest: false });
    expect((me.body.user as { id: string }).id).not.toBe((guest.body.user as { id: string }).id);
    const list = await browser.get('/api/v1/instances');
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toEqual([created.body.id]);
  });

  it('refuses a forged callback (unknown state)', async () => {
    const browser = new TestClient(api.url);
    const landing = await browser.follow(`${api.url}/api/auth/callback/github?code=abc&state=forged`);
    expect(new URL(landing.url).searchParams.get('error')).toBeTruthy();
    expect((await browser.get('/api/v1/me')).status).toBe(401);
  });

  describe('never hands an existing password account to a GitHub sign-in that does not prove the same e-mail', () => {
    const password = 'cavalo-bateria-grampo';
    const githubAccountsOf = async (email: string) => {
      const db = api.platform.database.db;
      const [user] = await db.select().from(tables.users).where(eq(tables.users.email, email));
      return db
        .select()
        .from(tables.accounts)
        .where(and(eq(tables.accounts.userId, user?.id ?? ''), eq(tables.accounts.providerId, 'github')));
    };

    it('when GitHub has the address but not verified', async () => {
      const owner = new TestClient(api.url);
      expect((await owner.post('/api/auth/sign-up/email', { email: 'vera@example.com', password, name: 'Vera' })).status).toBe(200);
      await api.platform.database.db.update(tables.users).set({ emailVerified: true }).where(eq(tables.users.email, 'vera@example.com'));
      github.account = {
        id: 601,
        login: 'intrusa',
        name: 'Intrusa',
        email: 'vera@example.com',
        emails: [{ email: 'vera@example.com', primary: true, verified: false }],
      };
      const attacker = new TestClient(api.url);
      await signInWithGithub(attacker);
      expect((await attacker.get('/api/v1/me')).status).toBe(401);
      expect(await githubAccountsOf('vera@example.com')).toHaveLength(0);
    });

    it('when the password account never confirmed its address', async () => {
      const squatter = new TestClient(api.url);
      expect((await squatter.post('/api/auth/sign-up/email', { email: 'ueno@example.com', password, name: 'Ueno?' })).status).toBe(200);
      github.account = { id: 602, login: 'ueno', name: 'Ueno', email: null, emails: [{ email: 'ueno@example.com', primary: true, verified: true }] };
      const realOwner = new TestClient(api.url);
      await signInWithGithub(realOwner);
      expect((await realOwner.get('/api/v1/me')).status).toBe(401);
      expect(await githubAccountsOf('ueno@example.com')).toHaveLength(0);
    });
  });
});
