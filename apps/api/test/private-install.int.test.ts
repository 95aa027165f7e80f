import { tables } from '@zapdeploy/db';
import { GithubStandIn } from '@zapdeploy/test-support/stand-ins/github';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const password = 'cavalo-bateria-grampo';

describe('a closed install reachable from other machines (ZAPDEPLOY_PUBLIC_SIGNUPS=false)', () => {
  let api: TestApi;
  let github: GithubStandIn;
  beforeAll(async () => {
    github = await new GithubStandIn().start();
    api = await startTestApi({
      mode: 'full',
      env: {
        ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
        ZAPDEPLOY_SIGNUP_ALLOWLIST: '@empresa.com.br',
        ZAPDEPLOY_SUPERADMINS: 'dona@outra.com',
        GITHUB_CLIENT_ID: github.clientId,
        GITHUB_CLIENT_SECRET: github.clientSecret,
        GITHUB_API_URL: github.url,
        GITHUB_WEB_URL: github.url,
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await github?.stop();
  });

  const signInWithGithub = async (browser: TestClient) => {
    const start = await browser.post('/api/auth/sign-in/social', { provider: 'github', callbackURL: '/instances', errorCallbackURL: '/login' });
    return browser.follow(start.body.url as string);
  };

  it('creates no account for a GitHub user it does not know, and does for an allowed one', async () => {
    github.account = { id: 901, login: 'zeca', name: 'Zeca', email: null, emails: [{ email: 'zeca@fora.com', primary: true, verified: true }] };
    const stranger = new TestClient(api.url);
    const landing = await signInWithGithub(stranger);
    expect(new URL(landing.url).pathname).toBe('/login');
    expect(new URL(landing.url).searchParams.get('error')).toBe('SIGNUPS_CLOSED');
    expect((await stranger.get('/api/v1/me')).status).toBe(401);
    expect(await api.platform.database.db.select().from(tables.users).where(eq(tables.users.email, 'zeca@fora.com'))).toHaveLength(0);

    github.account = { id: 902, login: 'bia', name: 'Bia', email: null, emails: [{ email: 'bia@empresa.com.br', primary: true, verified: true }] };
    const colleague = new TestClient(api.url);
    await signInWithGithub(colleague);
    expect((await colleague.get('/api/v1/me')).body.user).toMatchObject({ email: 'bia@empresa.com.br' });
  });

  it('says so to the sign-in page', async () => {
    const features = await new TestClient(api.url).get('/api/v1/config');
    expect(features.body).toMatchObject({ publicSignups: false, guests: false, signups: 'restricted' });
  });

  it('takes no guests, through either door', async () => {
    const ours = await new TestClient(api.url, { acceptLanguage: 'pt-BR' }).post('/api/v1/guest');
    expect(ours.status).toBe(403);
    expect(ours.headers.get('content-type')).toContain('application/problem+json');
    expect(ours.body).toMatchObject({ code: 'guests_disabled', detail: 'Esta instalação não aceita visitantes. Entre com a sua conta.' });
    const betterAuths = await new TestClient(api.url).post('/api/auth/sign-in/anonymous');
    expect(betterAuths.status).toBe(403);
    expect(betterAuths.body.code).toBe('guests_disabled');
    expect(betterAuths.headers.getSetCookie()).toEqual([]);
  });

  it('lets only the allowed addresses and the superadmins sign up, not even a first stranger', async () => {
    const stranger = await new TestClient(api.url, { acceptLanguage: 'en' }).post('/api/auth/sign-up/email', {
      email: 'estranho@example.com',
      password,
      name: 'E',
    });
    expect(stranger.status).toBe(403);
    expect(stranger.body).toMatchObject({ code: 'signups_closed', detail: 'Sign-up is closed on this install. Ask the administrator to allow your e-mail.' });
    const lookalike = await new TestClient(api.url).post('/api/auth/sign-up/email', { email: 'eu@naoempresa.com.br', password, name: 'N' });
    expect(lookalike.status).toBe(403);
    const colleague = new TestClient(api.url);
    expect((await colleague.post('/api/auth/sign-up/email', { email: 'Ana@Empresa.com.br', password, name: 'Ana' })).status).toBe(200);
    expect((await colleague.get('/api/v1/me')).status).toBe(200);
    expect((await new TestClient(api.url).post('/api/auth/sign-up/email', { email: 'dona@outra.com', password, name: 'Dona' })).status).toBe(200);
  });
});

describe('npm start on a laptop (embedded, loopback only, closed by default)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'embedded', env: { ZAPDEPLOY_SIGNUP_ALLOWLIST: '' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('takes its first account, then no one else, and no guests', async () => {
    expect((await new TestClient(api.url).get('/api/v1/config')).body).toMatchObject({ publicSignups: false, guests: false, signups: 'first-account' });
    expect((await new TestClient(api.url).post('/api/v1/guest')).status).toBe(403);
    const owner = new TestClient(api.url);
    expect((await owner.post('/api/auth/sign-up/email', { email: 'eu@example.com', password, name: 'Eu' })).status).toBe(200);
    expect((await owner.get('/api/v1/me')).body.user).toMatchObject({ email: 'eu@example.com', isGuest: false });
    const second = await new TestClient(api.url).post('/api/auth/sign-up/email', { email: 'outro@example.com', password, name: 'Outro' });
    expect(second.status).toBe(403);
    expect(second.body.code).toBe('signups_closed');
    expect((await new TestClient(api.url).get('/api/v1/config')).body).toMatchObject({ signups: 'restricted' });
  });
});
