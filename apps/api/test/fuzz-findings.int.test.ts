import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the schemathesis run (test/fuzz.int.test.ts) found, pinned as plain cases: each was a 5xx or not problem+json. */

let api: TestApi;
let user: TestClient;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' } });
  user = new TestClient(api.url);
  expect((await user.post('/api/auth/sign-up/email', { email: 'fuzz-cases@example.com', password: 'cavalo-bateria-grampo', name: 'F' })).status).toBe(200);
});
afterAll(async () => {
  await api?.close();
});

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as { status: number; code: string; detail: string };
}

describe('inputs the fuzzer found', () => {
  it('answers a method the auth routes do not take with 405, not a crash', async () => {
    const response = await fetch(`${api.url}/api/auth/sign-in/email`, { method: 'TRACE', headers: { 'content-type': 'application/json' } }).catch(
      () => undefined,
    );
    // Node's fetch refuses to send TRACE itself; PUT takes the same path through the bridge.
    const answer =
      response ?? (await fetch(`${api.url}/api/auth/sign-in/email`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, POST');
    expect((await problem(answer)).code).toBe('method_not_allowed');
  });

  it('answers an auth path the library does not serve as problem+json', async () => {
    const answer = await fetch(`${api.url}/api/auth/sign-in/social`);
    expect(answer.status).toBe(404);
    expect((await problem(answer)).code).toBe('route_not_found');
  });

  it('refuses text with a null character (PostgreSQL cannot store it) with 422, in our routes and in sign-up', async () => {
    const token = await user.post('/api/v1/tokens', { name: 'a\u0000b' });
    expect(token.status).toBe(422);
    expect(token.body.code).toBe('null_character');
    const signUp = await new TestClient(api.url).post('/api/auth/sign-up/email', {
      email: 'nul@example.com',
      password: 'cavalo-bateria-grampo',
      name: 'x\u0000',
    });
    expect(signUp.status).toBe(422);
    expect(signUp.body.code).toBe('null_character');
  });
});
