import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';
import { TestClient } from './support/http-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'zapdeploy-start-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

type Started = { child: ChildProcess; output: () => string; url: string };

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (/^(DATABASE_URL|AMQP_URL|REDIS_URL|ZAPDEPLOY_|GITHUB_|SMTP_URL|HOST$|API_HOST$)/.test(name)) delete env[name];
  return { ...env, ...extra };
}

async function startPlatform(port: number, webPort: number): Promise<Started> {
  let output = '';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: cleanEnv({ API_PORT: String(port), PORT: String(webPort), ZAPDEPLOY_DATA_DIR: dataDir }),
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://localhost:${port}`;
  // A cold start (TypeScript loaded through tsx, PGlite, the dashboard) on a 2-core machine busy with other tests.
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`start exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/api/ready`)).status === 200 && output.includes('zapdeploy: dashboard on')) return { child, output: () => output, url };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`platform did not become ready:\n${output}`);
}

async function stopPlatform(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGTERM');
  return exited;
}

describe('npm start (embedded mode)', { timeout: 420_000 }, () => {
  it('starts with nothing configured, and keeps accounts, sessions and instances across a restart', async () => {
    const port = await freePort();
    const webPort = await freePort();
    const first = await startPlatform(port, webPort);
    expect(first.output()).toContain('embedded mode');
    const browser = new TestClient(first.url);
    // A laptop's install is closed: no guests, and the first account is its owner's.
    expect((await browser.post('/api/v1/guest')).status).toBe(403);
    expect((await browser.post('/api/auth/sign-up/email', { email: 'restart@example.com', password: 'cavalo-bateria-grampo', name: 'Re' })).status).toBe(200);
    expect(
      (await new TestClient(first.url).post('/api/auth/sign-up/email', { email: 'outra@example.com', password: 'cavalo-bateria-grampo', name: 'O' })).status,
    ).toBe(403);
    const created = await browser.post('/api/v1/instances', { name: 'persistente', repoUrl: 'https://github.com/a/b', env: { SEGREDO: 'abc123' } });
    expect(created.status).toBe(201);
    const token = (await browser.post('/api/v1/tokens', { name: 'cli' })).body.token as string;
    expect(await stopPlatform(first)).toBe(0);
    expect(first.output()).not.toContain('abc123');
    expect(first.output()).not.toContain(token);
    expect((await stat(path.join(dataDir, 'secret'))).mode & 0o777).toBe(0o600);

    const second = await startPlatform(port, webPort);
    expect((await fetch(`http://localhost:${webPort}/`)).status).toBe(200);
    expect((await fetch(`http://localhost:${webPort}/api/health`)).status).toBe(200);
    try {
      const me = await browser.get('/api/v1/me');
      expect(me.status).toBe(200);
      expect(me.body.user).toMatchObject({ email: 'restart@example.com' });
      const list = await browser.get('/api/v1/instances');
      expect((list.body.items as { id: string; envKeys: string[] }[]).map((i) => [i.id, i.envKeys])).toEqual([[created.body.id, ['SEGREDO']]]);
      expect((await new TestClient(second.url).withToken(token).get('/api/v1/me')).status).toBe(200);
      const again = new TestClient(second.url);
      expect((await again.post('/api/auth/sign-in/email', { email: 'restart@example.com', password: 'cavalo-bateria-grampo' })).status).toBe(200);
    } finally {
      await stopPlatform(second);
    }
  });

  it('answers only this machine unless HOST says otherwise', async () => {
    const port = await freePort();
    const webPort = await freePort();
    const started = await startPlatform(port, webPort);
    try {
      expect((await fetch(`http://127.0.0.1:${webPort}/api/health`)).status).toBe(200);
      const outside = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
      if (outside) {
        for (const target of [port, webPort]) {
          const reached = await fetch(`http://${outside}:${target}/api/health`).then(
            () => true,
            () => false,
          );
          expect(reached).toBe(false);
        }
      }
    } finally {
      await stopPlatform(started);
    }
  });

  it('refuses to run bots as local processes when the platform listens beyond loopback', async () => {
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      let stderr = '';
      const child = spawn(process.execPath, ['--import', 'tsx', 'apps/platform/src/main.ts'], {
        cwd: root,
        env: cleanEnv({ ZAPDEPLOY_DATA_DIR: dataDir, ZAPDEPLOY_RUNTIME: 'process', HOST: '0.0.0.0' }),
      });
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (exitCode) => resolve({ code: exitCode, stderr }));
    });
    expect(code).toBe(78);
    expect(stderr).toContain('reachable beyond this machine (HOST=0.0.0.0');
  });

  it('stops when npm start is killed without a chance to forward a signal', async () => {
    const port = await freePort();
    const started = await startPlatform(port, await freePort());
    started.child.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    let answering = true;
    while (answering && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answering = await fetch(`${started.url}/api/health`).then(
        () => true,
        () => false,
      );
    }
    expect(answering).toBe(false);
  });

  it('stops at once with a message naming each bad variable', async () => {
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        let stderr = '';
        const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], {
          cwd: root,
          env: cleanEnv({ ZAPDEPLOY_DATA_DIR: dataDir, ...env }),
        });
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });
    const badPort = await run({ API_PORT: 'quatro mil', ZAPDEPLOY_SUPERADMINS: 'a@b.c' });
    expect(badPort.code).toBe(78);
    expect(badPort.stderr).toContain('API_PORT: expected a TCP port number (got "quatro mil")');
    const partial = await run({ DATABASE_URL: 'postgres://localhost/x' });
    expect(partial.code).toBe(78);
    expect(partial.stderr).toContain('set all three (full mode) or none of them (embedded mode)');
    const secret = await run({
      DATABASE_URL: 'postgres://localhost/x',
      AMQP_URL: 'amqp://localhost',
      REDIS_URL: 'redis://localhost',
      ZAPDEPLOY_SECRET: 'short-secret',
    });
    expect(secret.code).toBe(78);
    expect(secret.stderr).toContain('ZAPDEPLOY_SECRET: expected at least 32 characters');
    expect(secret.stderr).not.toContain('short-secret');
  });
});
