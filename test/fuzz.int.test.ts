import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/api-harness.js';
import { TestClient } from './support/http-client.js';

/**
 * Schemathesis (PyPI; installed by scripts/ensure-schemathesis.sh) generates requests from /api/openapi.json,
 * valid and invalid, for every operation, as a signed-in user with an API token: no answer may be a 5xx, and
 * every error must be problem+json with its status, code and detail (test/fuzz/hooks.py). Bounded: a fixed
 * number of examples per operation and a fixed seed, so a run is repeatable.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let api: TestApi;
let token: string;

beforeAll(async () => {
  api = await startTestApi({
    mode: 'full',
    env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: '1000000', ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const client = new TestClient(api.url);
  expect((await client.post('/api/auth/sign-up/email', { email: 'fuzz@example.com', password: 'cavalo-bateria-grampo', name: 'Fuzz' })).status).toBe(200);
  const created = await client.post('/api/v1/tokens', { name: 'fuzz' });
  expect(created.status).toBe(201);
  token = created.body.token as string;
});
afterAll(async () => {
  await api?.close();
});

function schemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `exec "$(bash scripts/ensure-schemathesis.sh)" "$@"`, 'st', ...args], {
      cwd: root,
      env: { ...process.env, SCHEMATHESIS_HOOKS: 'hooks', PYTHONPATH: path.join(root, 'test', 'fuzz'), NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('the API under generated requests (schemathesis)', () => {
  it('never answers 5xx, and every error is problem+json', async () => {
    const { code, output } = await schemathesis([
      'run',
      `${api.url}/api/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'not_a_server_error,errors_are_problem_json',
      '--phases',
      'examples,coverage,fuzzing',
      '--max-examples',
      '12',
      '--max-time',
      '240',
      // Our token goes on every request; generated Authorization/Cookie values would only test "not signed in".
      '--generation-with-security-parameters',
      'false',
      '--generation-database',
      'none',
      '--seed',
      '20261129',
      '--workers',
      '2',
      '--request-timeout',
      '20',
      '--no-color',
      // Webhooks answer their senders (GitHub, Mercado Pago) and are tested with signed deliveries elsewhere.
      // Sign-out, and DELETE /api/v1/tokens/{id} (the fuzzer learns token ids from responses), would end the
      // run's own credentials and leave every later request a 401; the authorization matrix covers both.
      '--exclude-path-regex',
      '^/api/(webhooks/|auth/sign-out|v1/tokens/)',
      ...(process.env.FUZZ_ONLY ? ['--include-path-regex', process.env.FUZZ_ONLY] : []),
    ]);
    expect(code, output.slice(-6000)).toBe(0);
    // Nothing the fuzzer sent may have revoked or broken the caller's token.
    expect((await new TestClient(api.url).withToken(token).get('/api/v1/me')).status).toBe(200);
  }, 900_000);
});
