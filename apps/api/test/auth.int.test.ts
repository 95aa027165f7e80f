import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoUrl = 'https://github.com/zapdeploy/example-bot';
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full' });
});
afterAll(async () => {
  await api?.close();
});

describe('guests', () => {
  it('get a session at once and see themselves in /me', async () => {
    const browser = new TestClient(api.url);
    const guest = await browser.post('/api/v1/guest');
    expect(guest.status).toBe(201);
    expect(guest.body.user).toEqual({ id: expect.any(String), isGuest: true });
    const cookie = guest.headers.getSetCookie().join(';');
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await browser.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: (guest.body.user as { id: string }).id, isGuest: true, email: null });
    expect(me.body.limits).toEqual({ maxInstances: 1, allowedPlanTiers: ['dev'] });
  });

  it('calling /guest again keeps the same guest', async () => {
    const browser = new TestClient(api.url);
    const first = await browser.post('/api/v1/guest');
    const again = await browser.post('/api/v1/guest');
    expect(again.status).toBe(200);
    expect(again.body.user).toEqual(first.body.user);
  });

  it('keep their instance when they sign up with e-mail', async () => {
    const browser = new TestClient(api.url);
    await browser.post('/api/v1/guest');
    const created = await browser.post('/api/v1/instances', { name: 'meu-bot', repoUrl });
    expect(created.status).toBe(201);
    const signUp = await browser.post('/api/auth/sign-up/email', { email: 'ana@example.com', password: 'cavalo-bateria-grampo', name: 'Ana' });
    expect(signUp.status).toBe(200);
    const me = await browser.get('/api/v1/me');
    expect(me.body.user).toMatchObject({ isGuest: false, email: 'ana@example.com', name: 'Ana' });
    const list = await browser.get('/api/v1/instances');
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toEqual([created.body.id]);
  });

  it('keep their instance when they sign in to an existing account', async () => {
    const owner = new TestClient(api.url);
    await owner.post('/api/auth/sign-up/email', { email: 'bruno@example.com', password: 'cavalo-bateria-grampo', name: 'Bruno' });
    const browser = new TestClient(api.url);
    await browser.post('/api/v1/guest');
    const created = await browser.post('/api/v1/instances', { name: 'bot-visitante', repoUrl });
    const signIn = await browser.post('/api/auth/sign-in/email', { email: 'bruno@example.com', password: 'cavalo-bateria-grampo' });
    expect(signIn.status).toBe(200);
    const list = await browser.get('/api/v1/instances');
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toContain(created.body.id);
  });
});

describe('e-mail accounts', () => {
  it('sign up, sign out, sign in', async () => {
    const browser = new TestClient(api.url);
    const signUp = await browser.post('/api/auth/sign-up/email', { email: 'carla@example.com', password: 'cavalo-bateria-grampo', name: 'Carla' });
    expect(signUp.status).toBe(200);
    expect((await browser.get('/api/v1/me')).status).toBe(200);
    expect((await browser.post('/api/auth/sign-out')).status).toBe(200);
    expect((await browser.get('/api/v1/me')).status).toBe(401);
    const signIn = await browser.post('/api/auth/sign-in/email', { email: 'carla@example.com', password: 'cavalo-bateria-grampo' });
    expect(signIn.status).toBe(200);
    expect((await browser.get('/api/v1/me')).body.user).toMatchObject({ email: 'carla@example.com' });
  });

  it('refuse a wrong password with a problem in the caller’s language', async () => {
    const browser = new TestClient(api.url, { acceptLanguage: 'pt-BR' });
    await browser.post('/api/auth/sign-up/email', { email: 'davi@example.com', password: 'cavalo-bateria-grampo', name: 'Davi' });
    const wrong = await new TestClient(api.url).post('/api/auth/sign-in/email', { email: 'davi@example.com', password: 'senha-errada-123' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.body).toMatchObject({ status: 401, code: 'invalid_email_or_password', detail: 'E-mail ou senha incorretos.' });
    const english = await new TestClient(api.url, { acceptLanguage: 'en' }).post('/api/auth/sign-in/email', {
      email: 'davi@example.com',
      password: 'nope-nope-nope',
    });
    expect(english.body.detail).toBe('Wrong e-mail or password.');
  });

  it('enforce password rules', async () => {
    const browser = new TestClient(api.url);
    const short = await browser.post('/api/auth/sign-up/email', { email: 'eva@example.com', password: 'curta1', name: 'Eva' });
    expect(short.status).toBe(422);
    expect(short.body.code).toBe('password_too_short');
    const simple = await browser.post('/api/auth/sign-up/email', { email: 'eva@example.com', password: '1234567890', name: 'Eva' });
    expect(simple.status).toBe(422);
    expect(simple.body.code).toBe('password_too_simple');
    expect(simple.body.detail).toContain('fácil demais');
  });

  it('refuse a second account with the same e-mail', async () => {
    await new TestClient(api.url).post('/api/auth/sign-up/email', { email: 'fabio@example.com', password: 'cavalo-bateria-grampo', name: 'Fábio' });
    const again = await new TestClient(api.url).post('/api/auth/sign-up/email', { email: 'fabio@example.com', password: 'outra-senha-longa', name: 'Fábio' });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.body.code).toMatch(/^user_already_exists/);
    expect(again.body.detail).toBe('Já existe uma conta com este e-mail.');
  });

  it('refuse cookie-authenticated writes from another origin (CSRF)', async () => {
    const browser = new TestClient(api.url);
    await browser.post('/api/v1/guest');
    const forged = await browser.withOrigin('https://evil.example').post('/api/v1/instances', { name: 'x', repoUrl });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('untrusted_origin');
    expect((await browser.withOrigin(null).post('/api/v1/instances', { name: 'x', repoUrl })).status).toBe(403);
    expect((await browser.get('/api/v1/instances')).body.items).toEqual([]);
  });
});

describe('e-mail verification (required)', () => {
  let strict: TestApi;
  beforeAll(async () => {
    strict = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION: 'true' } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('signs in only after the link in the e-mail is followed, keeping the guest’s instance', async () => {
    const browser = new TestClient(strict.url);
    await browser.post('/api/v1/guest');
    const created = await browser.post('/api/v1/instances', { name: 'bot', repoUrl });
    const signUp = await browser.post('/api/auth/sign-up/email', { email: 'gil@example.com', password: 'cavalo-bateria-grampo', name: 'Gil' });
    expect(signUp.status).toBe(200);
    const blocked = await new TestClient(strict.url).post('/api/auth/sign-in/email', { email: 'gil@example.com', password: 'cavalo-bateria-grampo' });
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('email_not_verified');

    const mail = strict.mails.find((m) => m.to === 'gil@example.com');
    expect(mail?.subject).toContain('Confirme');
    const link = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0];
    expect(link).toBeDefined();
    await browser.follow(link ?? '');
    const me = await browser.get('/api/v1/me');
    expect(me.body.user).toMatchObject({ email: 'gil@example.com', emailVerified: true, isGuest: false });
    const list = await browser.get('/api/v1/instances');
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toEqual([created.body.id]);
  });
});
