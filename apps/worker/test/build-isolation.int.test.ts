import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import Docker from 'dockerode';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

/**
 * Untrusted builds get the egress a running bot gets, for every fetch: the Docker daemon's own fetches
 * (ADD <url>, pulling images named in FROM / COPY --from, ONBUILD triggers) would leave from the host's
 * network namespace, outside the per-instance firewall. Canary servers on the worker host's loopback and
 * on one of its private addresses must never be reached, and nothing they serve may reach a build log.
 */

const SECRET = 'canary-secret-7f3a91';
const docker = new Docker();
let git: GitServer;
let api: TestApi;
let users = 0;
const canaries: { server: Server; host: string; port: number; hits: string[] }[] = [];

/** A private address of this host: one of its interfaces', else the default Docker bridge's gateway (always the host's own). */
async function privateAddress(): Promise<string> {
  const isPrivate = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal && isPrivate(a.address)) return a.address;
  }
  const bridge = (await docker.getNetwork('bridge').inspect()) as { IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] } };
  // The engine does not always report the gateway: it is the subnet's first address.
  const firstHost = (subnet = '') => subnet.replace(/\.\d+\/\d+$/, (tail) => `.${Number(tail.slice(1).split('/')[0]) + 1}`);
  const gateway = bridge.IPAM?.Config?.map((c) => c.Gateway || firstHost(c.Subnet)).find((ip): ip is string => Boolean(ip && isPrivate(ip)));
  if (!gateway) throw new Error('this host has no private IPv4 address (the Docker bridge should give it one)');
  return gateway;
}

async function canary(host: string) {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    response.end(SECRET);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const entry = { server, host, port: (server.address() as AddressInfo).port, hits };
  canaries.push(entry);
  return entry;
}

let loop: Awaited<ReturnType<typeof canary>>;
let lan: Awaited<ReturnType<typeof canary>>;

beforeAll(async () => {
  loop = await canary('127.0.0.1');
  lan = await canary(await privateAddress());
  git = await new GitServer().start();
  api = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_RESYNC_SECONDS: '2' } });
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
  for (const c of canaries) await new Promise((resolve) => c.server.close(resolve));
  await docker
    .getImage('zapdeploy-test/onbuild:1')
    .remove({ force: true })
    .catch(() => undefined);
});

async function deploy(name: string, files: Record<string, string>) {
  users += 1;
  const client = new TestClient(api.url);
  const signUp = await client.post('/api/auth/sign-up/email', { email: `isolation${users}@example.com`, password: 'cavalo-bateria-grampo', name: 'Iso' });
  expect(signUp.status).toBe(200);
  const repoUrl = await git.commit(`${name}-${Date.now()}`, files);
  const created = await client.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot' });
  expect(created.status).toBe(201);
  return { client, id: created.body.id as string };
}

async function expectRefused(name: string, files: Record<string, string>, explanation: RegExp) {
  const { client, id } = await deploy(name, files);
  const failed = await waitForInstance(client, id, (i) => i.status === 'failed');
  expect(failed.statusReason).toBe('dockerfile_not_allowed');
  expect(failed.statusDetail).toMatch(/O Dockerfile pede ao build um download que não permitimos/);
  const deploymentId = failed.currentDeployment?.id ?? ((await client.get(`/api/v1/instances/${id}/deployments`)).body.items as { id: string }[])[0]?.id;
  const lines = await waitForLog(client, `/api/v1/deployments/${deploymentId}/logs`, /✖ dockerfile_not_allowed/);
  const text = lines.map((l) => l.line).join('\n');
  expect(text).toMatch(explanation);
  expect(text).not.toContain(SECRET);
  expect(loop.hits).toEqual([]);
  expect(lan.hits).toEqual([]);
}

describe('a repository’s Dockerfile cannot make the builder fetch from the platform’s networks', () => {
  it('refuses ADD of a URL on the worker’s loopback', async () => {
    await expectRefused(
      'add-loopback',
      { Dockerfile: `FROM node:24-slim\nADD http://127.0.0.1:${loop.port}/canary /canary.txt\nCMD ["cat", "/canary.txt"]\n` },
      /line 2: ADD from a URL or git repository .* is not allowed: download it in a RUN step/,
    );
  });

  it('refuses ADD of a URL on a private address, also hidden behind a variable or a continuation line', async () => {
    await expectRefused(
      'add-private',
      { Dockerfile: `FROM node:24-slim\nADD \\\n  http://${lan.host}:${lan.port}/canary \\\n  /canary.txt\n` },
      /ADD from a URL/,
    );
    await expectRefused(
      'add-variable',
      { Dockerfile: `FROM node:24-slim\nARG U=http://${lan.host}:${lan.port}/canary\nADD $U /canary.txt\n` },
      /ADD sources with variables are not supported/,
    );
  });

  it('refuses images from a registry on the host or a private address (FROM and COPY --from)', async () => {
    await expectRefused(
      'from-loopback',
      { Dockerfile: `FROM 127.0.0.1:${loop.port}/evil:latest\nCMD ["true"]\n` },
      /registry "127\.0\.0\.1:\d+" are not allowed/,
    );
    await expectRefused(
      'copy-from-private',
      { Dockerfile: `FROM node:24-slim\nCOPY --from=${lan.host}:${lan.port}/secrets:1 /etc/passwd /x\n` },
      /registry "10\.|registry "172\.|registry "192\.168\./,
    );
  });

  it('refuses ONBUILD, and base images that carry ONBUILD triggers', async () => {
    await expectRefused('onbuild', { Dockerfile: `FROM node:24-slim\nONBUILD ADD http://127.0.0.1:${loop.port}/canary /c\n` }, /ONBUILD is not supported/);
    // A base image (as if pulled from a public registry) whose trigger would fetch from the host's loopback.
    const pack = tarStream.pack();
    pack.entry({ name: 'Dockerfile' }, `FROM node:24-slim\nONBUILD ADD http://127.0.0.1:${loop.port}/canary /c\n`);
    pack.finalize();
    const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: 'zapdeploy-test/onbuild:1', networkmode: 'none' });
    await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
    await expectRefused(
      'onbuild-base',
      { Dockerfile: 'FROM zapdeploy-test/onbuild:1\nCMD ["cat", "/c"]\n' },
      /base image zapdeploy-test\/onbuild:1 has ONBUILD triggers/,
    );
  });

  it('keeps zapdeploy.json commands inside their RUN step: a line break cannot add an instruction', async () => {
    const { client, id } = await deploy('injected-build', {
      'package.json': JSON.stringify({ name: 'injected', scripts: { start: 'node index.js' } }),
      'zapdeploy.json': JSON.stringify({ build: `echo built\nADD http://127.0.0.1:${loop.port}/canary /tmp/c || echo "ADD is only a word here"` }),
      'index.js': "console.log('injected bot up'); setInterval(() => {}, 1000);",
    });
    const running = await waitForInstance(client, id, (i) => i.status === 'running');
    const build = await waitForLog(client, `/api/v1/deployments/${running.currentDeployment?.id}/logs`, /ADD is only a word here/);
    expect(build.map((l) => l.line).join('\n')).not.toContain(SECRET);
    await waitForLog(client, `/api/v1/instances/${id}/logs`, /injected bot up/);
    expect(loop.hits).toEqual([]);
  });

  it('lets RUN steps reach the internet only: the host’s own and private addresses are cut off', async () => {
    const probe = (url: string) =>
      `fetch('${url}', { signal: AbortSignal.timeout(4000) }).then(r => r.text()).then(t => console.log('REACHED', t)).catch(e => console.log('blocked', e.cause?.code ?? e.name))`;
    const { client, id } = await deploy('run-probe', {
      Dockerfile: [
        'FROM node:24-slim',
        `RUN node -e "${probe(`http://${lan.host}:${lan.port}/canary`)}"`,
        `RUN node -e "${probe(`http://127.0.0.1:${loop.port}/canary`)}"`,
        'CMD ["node", "-e", "console.log(\'probe done\'); setInterval(() => {}, 1000)"]',
      ].join('\n'),
    });
    const running = await waitForInstance(client, id, (i) => i.status === 'running');
    const build = await waitForLog(client, `/api/v1/deployments/${running.currentDeployment?.id}/logs`, /build ok/);
    const text = build.map((l) => l.line).join('\n');
    expect(text.match(/^blocked /gm)?.length).toBe(2);
    expect(text).not.toMatch(/^REACHED/m);
    expect(text).not.toContain(SECRET);
    expect(loop.hits).toEqual([]);
    expect(lan.hits).toEqual([]);
  });
});

describe('the firewall of bot and build networks', () => {
  const run = promisify(execFile);
  const present = (binary: string, chain: string) =>
    run(binary, ['-w', '-C', chain, '-i', 'zd+', '-j', 'DROP']).then(
      () => true,
      () => false,
    );

  it('is checked again periodically: a rule removed by hand is put back (IPv6 included)', async () => {
    // Bots have no IPv6 at all, so removing the IPv6 rule for a moment exposes nothing.
    const ipv6 = await run('ip6tables', ['-w', '-L', 'INPUT', '-n']).then(
      () => true,
      () => false,
    );
    const [binary, chain] = ipv6 ? ['ip6tables', 'FORWARD'] : ['iptables', 'INPUT'];
    expect(await present(binary, chain)).toBe(true);
    await run(binary, ['-w', '-D', chain, '-i', 'zd+', '-j', 'DROP']);
    expect(await present(binary, chain)).toBe(false);
    const deadline = Date.now() + 30_000;
    while (!(await present(binary, chain)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await present(binary, chain)).toBe(true);
  });
});
