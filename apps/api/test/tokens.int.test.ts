import { createHash } from 'node:crypto';
import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
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
});
