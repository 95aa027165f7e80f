import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openDatabase, tables } from '@zapdeploy/db';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { HOST_CA_FILE } from '@zapdeploy/test-support/support/docker';
import { freePort } from '@zapdeploy/test-support/support/free-port';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { type Proc, startProcess, waitUntil } from '@zapdeploy/test-support/support/processes';
import { createTestDatabase, services, uniqueName } from '@zapdeploy/test-support/support/services';
import Docker from 'dockerode';
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

// These tests stop and start the machine's RabbitMQ and Redis and kill processes: they run alone, after
// the rest of the suite (vitest project "disruptive").

const run = promisify(execFile);
const docker = new Docker();
let git: GitServer;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;
let api: Proc;
const workers = new Map<string, Proc>();
let client: TestClient;
let maxContainers = 0;
let watching = true;

beforeAll(async () => {
  git = await new GitServer().start();
  database = await createTestDatabase();
  const port = await freePort();
  env = {
    DATABASE_URL: database.url,
    AMQP_URL: services.amqpUrl,
    REDIS_URL: services.redisUrl,
    ZAPDEPLOY_SECRET: 'resilience-secret-that-is-long-enough-0123',
    ZAPDEPLOY_REDIS_PREFIX: uniqueName('zdr'),
    ZAPDEPLOY_AMQP_PREFIX: uniqueName('zdr'),
    ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
    ZAPDEPLOY_SIGNUP_ALLOWLIST: 'ops@example.com',
    ZAPDEPLOY_REQUIRE_EMAIL_VERIFICATION: 'false',
    ZAPDEPLOY_ALLOW_PRIVATE_GIT_HOSTS: 'true',
    ZAPDEPLOY_BUILD_CA_FILE: HOST_CA_FILE,
    ZAPDEPLOY_LEASE_SECONDS: '4',
    ZAPDEPLOY_RESYNC_SECONDS: '2',
    ZAPDEPLOY_RUNTIME: 'docker',
    ZAPDEPLOY_DATA_DIR: `/tmp/${uniqueName('zdr')}`,
    API_PORT: String(port),
    API_HOST: '127.0.0.1',
    ZAPDEPLOY_PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
  api = startProcess('api', env);
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/api/ready`)).status === 200, 60_000, 'the API');
  for (const id of ['w1', 'w2']) workers.set(id, startProcess('worker', { ...env, ZAPDEPLOY_WORKER_ID: id }));
  client = new TestClient(`http://127.0.0.1:${port}`);
  expect((await client.post('/api/auth/sign-up/email', { email: 'ops@example.com', password: 'cavalo-bateria-grampo', name: 'Ops' })).status).toBe(200);
  void watchContainers();
}, 120_000);

afterAll(async () => {
  watching = false;
  for (const worker of workers.values()) await worker.kill('SIGTERM');
  await api?.kill('SIGTERM');
  const leftovers = await docker.listContainers({ all: true, filters: { label: ['zapdeploy.managed=true'] } });
  for (const c of leftovers.filter((c) => c.Names.some((n) => n.includes('ins_')))) {
    if (ownedInstances.has(c.Labels['zapdeploy.instance'] ?? '')) await docker.getContainer(c.Id).remove({ force: true });
  }
  await database?.drop();
  await git?.stop();
}, 120_000);

const ownedInstances = new Set<string>();

/** Samples Docker all along: never more than one container for one instance. */
async function watchContainers(): Promise<void> {
  while (watching) {
    const containers = await docker.listContainers({ all: true, filters: { label: ['zapdeploy.managed=true'] } }).catch(() => []);
    const perInstance = new Map<string, number>();
    for (const c of containers) {
      const id = c.Labels['zapdeploy.instance'];
      if (id && ownedInstances.has(id) && c.Labels['zapdeploy.deployment']) perInstance.set(id, (perInstance.get(id) ?? 0) + 1);
    }
    maxContainers = Math.max(maxContainers, ...perInstance.values(), 0);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function create(name: string, files: Record<string, string>) {
  const repoUrl = await git.commit(`${name}-${Date.now()}`, files);
  const response = await client.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot' });
  expect(response.status).toBe(201);
  ownedInstances.add(response.body.id as string);
  return response.body.id as string;
}

describe('failures the platform survives', () => {
  it('finishes a deploy when the worker building it is killed (SIGKILL), with one container', async () => {
    const slowBuild = {
      ...fixtures.nodeBot,
      'package.json': JSON.stringify({
        name: 'slow',
        scripts: { build: 'node -e "setTimeout(() => {}, 6000)"', start: 'node index.js' },
        dependencies: { 'is-number': '7.0.0' },
      }),
    };
    const id = await create('killed-mid-build', slowBuild);
    await waitForInstance(client, id, (i) => i.status === 'building', 60_000);
    const db = await openDatabase({ url: database.url });
    const [lease] = await db.db
      .select()
      .from(tables.workerLeases)
      .where(eq(tables.workerLeases.resource, `reconcile:${id}`));
    await db.close();
    const holder = lease?.holder ?? '';
    expect(workers.has(holder)).toBe(true);
    await workers.get(holder)?.kill('SIGKILL');
    workers.delete(holder);
    const running = await waitForInstance(client, id, (i) => i.status === 'running', 180_000);
    expect(running.currentDeployment?.status).toBe('live');
    await waitForLog(client, `/api/v1/instances/${id}/logs`, /bot started/);
    workers.set(holder, startProcess('worker', { ...env, ZAPDEPLOY_WORKER_ID: holder }));
    expect(maxContainers).toBeLessThanOrEqual(1);
  }, 240_000);

  it('keeps working through a RabbitMQ restart: nothing stuck, nothing lost', async () => {
    // Workers whose periodic resync would not come for an hour: only the bus message can start the new
    // instance, so a message lost during the outage would leave it queued and fail this test.
    const patient = { ...env, ZAPDEPLOY_RESYNC_SECONDS: '3600' };
    const normal = [...workers.keys()];
    for (const worker of workers.values()) await worker.kill('SIGTERM');
    workers.clear();
    for (const id of ['p1', 'p2']) workers.set(id, startProcess('worker', { ...patient, ZAPDEPLOY_WORKER_ID: id }));
    // Their first (and, within this test, only) resync runs at start, before the instance exists.
    for (const [name, worker] of workers) await waitUntil(async () => worker.output().includes(`worker ${name}:`), 90_000, `worker ${name} to start`);
    await run('rabbitmqctl', ['stop_app']);
    let id: string;
    try {
      id = await create('during-rabbit-outage', fixtures.nodeBot);
    } finally {
      await run('rabbitmqctl', ['start_app']);
    }
    const running = await waitForInstance(client, id, (i) => i.status === 'running', 180_000);
    expect(running.currentDeployment?.status).toBe('live');
    await waitUntil(async () => (await client.get('/api/ready')).status === 200, 60_000, 'readiness after RabbitMQ restart');
    // Nothing stuck: every intent written during the outage was published in the end.
    const db = await openDatabase({ url: database.url });
    try {
      await waitUntil(
        async () => (await db.db.select().from(tables.outbox).where(isNull(tables.outbox.publishedAt))).length === 0,
        30_000,
        'the outbox to drain',
      );
    } finally {
      await db.close();
    }
    for (const worker of workers.values()) await worker.kill('SIGTERM');
    workers.clear();
    for (const worker of normal) workers.set(worker, startProcess('worker', { ...env, ZAPDEPLOY_WORKER_ID: worker }));
  }, 300_000);

  it('keeps logs flowing through a Redis restart, storing what was printed meanwhile', async () => {
    const id = await create('during-redis-outage', fixtures.nodeBot);
    await waitForInstance(client, id, (i) => i.status === 'running', 180_000);
    await waitForLog(client, `/api/v1/instances/${id}/logs`, /tick 3$/);
    await run('redis-cli', ['-p', '6379', 'shutdown', 'nosave']).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      '6379',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/var/lib/redis',
      '--logfile',
      '/var/log/redis/ci.log',
    ]);
    await waitUntil(async () => (await client.get('/api/ready')).status === 200, 60_000, 'readiness after Redis restart');
    // Redis here keeps nothing on disk, so lines from before the restart are gone; lines printed during the
    // outage were held by the worker and must arrive, in order, without gaps.
    const lines = await waitForLog(client, `/api/v1/instances/${id}/logs`, /tick (2\d|[3-9]\d)$/, 60_000);
    const ticks = lines
      .map((l) => /^tick (\d+)$/.exec(l.line)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(ticks.length).toBeGreaterThan(5);
    for (let i = 1; i < ticks.length; i += 1) expect(ticks[i]).toBe((ticks[i - 1] ?? 0) + 1);
  }, 240_000);
});
