import { createHash } from 'node:crypto';
import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full' });
});
afterAll(async () => {
  await api?.close();
});

async function signedUp(email: string): Promise<TestClient> {
  const browser = new TestClient(api.url);
  const response = await browser.post('/api/auth/sign-up/email', { email, password: 'cavalo-bateria-grampo', name: email.split('@')[0] });
  expect(response.status).toBe(200);
  return browser;
}

describe('personal API tokens', () => {
  it('are shown once, stored only as a SHA-256 hash, and work as Bearer everywhere a cookie does', async () => {
    const browser = await signedUp('tokens@example.com');
    const created = await browser.post('/api/v1/tokens', { name: 'CLI' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^zd_pat_[A-Za-z0-9_-]{43}$/);

    const listed = await browser.get('/api/v1/tokens');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, name: 'CLI', prefix: token.slice(0, 13) })]);
    expect(listed.text).not.toContain(token);

    const rows = await api.platform.database.db.select().from(tables.apiTokens);
    const row = rows.find((r) => r.id === created.body.id);
    expect(row?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);

    const cli = new TestClient(api.url).withToken(token);
    const me = await cli.get('/api/v1/me');
    expect(me.body).toMatchObject({ authenticatedBy: 'token', user: { email: 'tokens@example.com' } });
    const instance = await cli.post('/api/v1/instances', { name: 'via-token', repoUrl: 'https://github.com/a/b' });
    expect(instance.status).toBe(201);
    expect((await browser.get(`/api/v1/instances/${instance.body.id}`)).status).toBe(200);
    const used = await browser.get('/api/v1/tokens');
    expect((used.body.items as { lastUsedAt: string | null }[])[0]?.lastUsedAt).not.toBeNull();
  });

  it('stop working once revoked, and only their owner can revoke them', async () => {
    const owner = await signedUp('owner@example.com');
    const other = await signedUp('other@example.com');
    const created = await owner.post('/api/v1/tokens', { name: 'deploy' });
    const token = created.body.token as string;
    const foreign = await other.delete(`/api/v1/tokens/${created.body.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('token_not_found');
    expect((await new TestClient(api.url).withToken(token).get('/api/v1/me')).status).toBe(200);
    expect((await owner.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    const after = await new TestClient(api.url).withToken(token).get('/api/v1/me');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await owner.get('/api/v1/tokens')).body.items).toEqual([]);
  });

  it('refuse malformed and unknown tokens without touching cookies', async () => {
    for (const header of ['Bearer nope', `Bearer zd_pat_${'a'.repeat(43)}`, 'Basic dXNlcjpwYXNz']) {
      const response = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: header } });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('are not offered to guests', async () => {
    const browser = new TestClient(api.url);
    await browser.post('/api/v1/guest');
    const refused = await browser.post('/api/v1/tokens', { name: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('guest_cannot_create_tokens');
  });

  it('validate their name', async () => {
    const browser = await signedUp('names@example.com');
    const refused = await browser.post('/api/v1/tokens', { name: '' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ path: 'body.name', message: 'name is required' }]);
  });

  it('do only what their scope allows: read looks, deploy deploys, full does everything', async () => {
    const browser = await signedUp('scopes@example.com');
    const mint = async (scope: string) => {
      const created = await browser.post('/api/v1/tokens', { name: scope, scope });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ scope });
      return new TestClient(api.url, { acceptLanguage: 'en' }).withToken(created.body.token as string);
    };
    const read = await mint('read');
    const deploy = await mint('deploy');
    const full = await mint('full');
    expect((await read.get('/api/v1/me')).body).toMatchObject({ authenticatedBy: 'token', scope: 'read' });
    expect((await read.get('/api/v1/instances')).status).toBe(200);
    const refused = await read.post('/api/v1/instances', { name: 'pelo-token-leitura', repoUrl: 'https://github.com/a/b' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'token_scope_insufficient', detail: 'This token does not allow this action (it needs the “deploy” scope).' });
    expect((await read.post('/api/v1/tokens', { name: 'escalada' })).status).toBe(403);

    const created = await deploy.post('/api/v1/instances', { name: 'pelo-deploy', repoUrl: 'https://github.com/a/b', env: { SEGREDO: 's3nha' } });
    expect(created.status).toBe(201);
    expect((await deploy.post(`/api/v1/instances/${created.body.id}/redeploy`)).status).toBe(202);
    expect((await deploy.get(`/api/v1/instances/${created.body.id}/env`)).status).toBe(403);
    expect((await deploy.delete(`/api/v1/instances/${created.body.id}`)).status).toBe(403);
    expect((await deploy.post('/api/v1/tokens', { name: 'escalada', scope: 'full' })).status).toBe(403);

    expect((await full.get(`/api/v1/instances/${created.body.id}/env`)).body).toEqual({ env: { SEGREDO: 's3nha' } });
    expect((await full.delete(`/api/v1/instances/${created.body.id}`)).status).toBe(202);
  });

  it('expire: refused once past their date, and gone from the list', async () => {
    const browser = await signedUp('expiry@example.com');
    const created = await browser.post('/api/v1/tokens', { name: 'ci', scope: 'read', expiresInDays: 30 });
    expect(created.status).toBe(201);
    const expiresAt = Date.parse(created.body.expiresAt as string);
    expect(Math.abs(expiresAt - (Date.now() + 30 * 24 * 60 * 60 * 1000))).toBeLessThan(60_000);
    const forever = await browser.post('/api/v1/tokens', { name: 'sem-validade', expiresInDays: null });
    expect(forever.body.expiresAt).toBeNull();
    const byDefault = await browser.post('/api/v1/tokens', { name: 'padrao' });
    expect(Date.parse(byDefault.body.expiresAt as string)).toBeGreaterThan(Date.now() + 89 * 24 * 60 * 60 * 1000);
    expect((await browser.post('/api/v1/tokens', { name: 'longo', expiresInDays: 366 })).status).toBe(422);

    const cli = new TestClient(api.url).withToken(created.body.token as string);
    expect((await cli.get('/api/v1/me')).status).toBe(200);
    await api.platform.database.db
      .update(tables.apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(tables.apiTokens.id, created.body.id as string));
    const expired = await cli.get('/api/v1/me');
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('token_expired');
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    expect(((await browser.get('/api/v1/tokens')).body.items as { id: string }[]).map((t) => t.id)).not.toContain(created.body.id);
  });

  it('are all revoked when the password changes, and new ones work', async () => {
    const browser = await signedUp('senha@example.com');
    const first = new TestClient(api.url).withToken((await browser.post('/api/v1/tokens', { name: 'um' })).body.token as string);
    const second = new TestClient(api.url).withToken((await browser.post('/api/v1/tokens', { name: 'dois', expiresInDays: null })).body.token as string);
    expect((await first.get('/api/v1/me')).status).toBe(200);
    const changed = await browser.post('/api/auth/change-password', { currentPassword: 'cavalo-bateria-grampo', newPassword: 'outra-senha-bem-longa' });
    expect(changed.status).toBe(200);
    expect((await first.get('/api/v1/me')).status).toBe(401);
    expect((await second.get('/api/v1/me')).status).toBe(401);
    expect((await browser.get('/api/v1/tokens')).body.items).toEqual([]);

    const third = new TestClient(api.url).withToken((await browser.post('/api/v1/tokens', { name: 'tres' })).body.token as string);
    expect((await third.get('/api/v1/me')).status).toBe(200);
  });
});
