import { listArchive } from '@zapdeploy/runtime/session-archive';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse, waitForInstance, waitForLog } from './deploy-helpers.js';

const docker = new Docker();
let git: GitServer;
let api: TestApi;
let user: TestClient;
let userCount = 0;

beforeAll(async () => {
  git = await new GitServer().start();
  api = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_DISK_CHECK_SECONDS: '2' } });
  user = await signUp();
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

async function signUp(): Promise<TestClient> {
  userCount += 1;
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', {
    email: `deployer${userCount}@example.com`,
    password: 'cavalo-bateria-grampo',
    name: 'Deployer',
  });
  expect(response.status).toBe(200);
  return client;
}

async function create(client: TestClient, name: string, files: Record<string, string>, planId = 'plan_bot', extra: Record<string, unknown> = {}) {
  const repoUrl = await git.commit(`${name}-${Date.now()}`, files);
  const response = await client.post('/api/v1/instances', { name, repoUrl, planId, ...extra });
  expect(response.status).toBe(201);
  return { id: response.body.id as string, repoUrl };
}

describe('deploying a Node bot from a git repository', () => {
  let id: string;

  it('builds it, runs it and streams its logs', async () => {
    const events = readSse(
      `${api.url}/api/v1/events`,
      { cookie: cookieOf(user) },
      (list) => list.some((e) => (e.data as { status: string }).status === 'running'),
      180_000,
    );
    ({ id } = await create(user, 'node-bot', fixtures.nodeBot, 'plan_bot', { env: { GREETING: 'olá' } }));
    const running = await waitForInstance(user, id, (i) => i.status === 'running');
    expect(running.currentDeployment).toMatchObject({ number: 1, status: 'live', commitSha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const lines = await waitForLog(user, `/api/v1/instances/${id}/logs`, /tick 2/);
    expect(lines.map((l) => l.line)).toContain('bot started deps ok user 1000');
    expect(lines.find((l) => l.line === 'a line on stderr')?.stream).toBe('stderr');
    const build = await user.get(`/api/v1/deployments/${running.currentDeployment?.id}/logs?limit=2000`);
    const buildLines = (build.body.items as { line: string }[]).map((l) => l.line);
    expect(buildLines.some((l) => /^commit [0-9a-f]{40} \(main\); build: node \(package\.json\)$/.test(l))).toBe(true);
    expect(buildLines.some((l) => /RUN npm install/.test(l))).toBe(true);
    expect(buildLines.at(-1)).toMatch(/^build ok: zapdeploy\//);
    const statuses = (await events).map((e) => (e.data as { status: string }).status);
    expect(statuses).toEqual(expect.arrayContaining(['building', 'running']));
  });

  it('serves logs over SSE and resumes from Last-Event-ID without losing or repeating lines', async () => {
    const url = `${api.url}/api/v1/instances/${id}/logs`;
    const first = await readSse(url, { cookie: cookieOf(user) }, (list) => list.some((e) => /tick/.test((e.data as { line: string }).line)));
    const lastId = first.at(-1)?.id ?? '';
    expect(lastId).toMatch(/^\d+-\d+$/);
    const resumed = await readSse(url, { cookie: cookieOf(user), 'last-event-id': lastId }, (list) => list.length >= 3);
    expect(resumed.length).toBeGreaterThanOrEqual(3);
    const ids = resumed.map((e) => e.id);
    expect(ids.every((value) => compare(value, lastId) > 0)).toBe(true);
    const ticks = resumed
      .map((e) => (e.data as { line: string }).line)
      .filter((l) => l.startsWith('tick'))
      .map((l) => Number(l.split(' ')[1]));
    expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
  });

  it('pauses and resumes without rebuilding', async () => {
    const paused = await user.post(`/api/v1/instances/${id}/pause`);
    expect(paused.status).toBe(202);
    await waitForInstance(user, id, (i) => i.status === 'paused', 20_000);
    expect((await docker.getContainer(`zd-${id}`).inspect()).State.Running).toBe(false);
    // Resync passes every 2 s here: the pause is said once in the logs, not at every pass.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const pausedLines = ((await user.get(`/api/v1/instances/${id}/logs?limit=2000`)).body.items as { line: string }[]).filter(
      (l) => l.line === 'Instância pausada.',
    );
    expect(pausedLines).toHaveLength(1);
    await user.post(`/api/v1/instances/${id}/resume`);
    const resumed = await waitForInstance(user, id, (i) => i.status === 'running');
    expect(resumed.currentDeployment?.number).toBe(1);
  });

  it('changes plan in place, and recreates the container for new env or a restart', async () => {
    const before = await docker.getContainer(`zd-${id}`).inspect();
    await user.patch(`/api/v1/instances/${id}`, { planId: 'plan_bot_plus' });
    await waitForInstance(user, id, () => true);
    await expect.poll(async () => (await docker.getContainer(`zd-${id}`).inspect()).HostConfig.Memory, { timeout: 30_000 }).toBe(512 * 1024 * 1024);
    expect((await docker.getContainer(`zd-${id}`).inspect()).Id).toBe(before.Id);

    await user.patch(`/api/v1/instances/${id}`, { env: { GREETING: 'oi', NEW_VAR: '1' } });
    await expect.poll(async () => (await docker.getContainer(`zd-${id}`).inspect()).Config.Env.includes('NEW_VAR=1'), { timeout: 30_000 }).toBe(true);
    const withEnv = await docker.getContainer(`zd-${id}`).inspect();
    await user.post(`/api/v1/instances/${id}/restart`);
    await expect.poll(async () => (await docker.getContainer(`zd-${id}`).inspect()).Id, { timeout: 30_000 }).not.toBe(withEnv.Id);
    await waitForInstance(user, id, (i) => i.status === 'running');
  });

  it('redeploys a new commit, stop-then-start, keeping /data', async () => {
    const redeploy = await user.post(`/api/v1/instances/${id}/redeploy`);
    expect(redeploy.status).toBe(202);
    const live = await waitForInstance(user, id, (i) => i.status === 'running' && i.currentDeployment?.number === 2 && i.currentDeployment.status === 'live');
    expect(live.currentDeployment?.number).toBe(2);
    const containers = await docker.listContainers({ all: true, filters: { label: [`zapdeploy.instance=${id}`] } });
    expect(containers).toHaveLength(1);
    const history = await user.get(`/api/v1/instances/${id}/deployments`);
    expect((history.body.items as { number: number; status: string }[]).map((d) => [d.number, d.status])).toEqual([
      [2, 'live'],
      [1, 'superseded'],
    ]);
  });

  it('is invisible to another user', async () => {
    const other = await signUp();
    expect((await other.get(`/api/v1/instances/${id}/logs`)).status).toBe(404);
    const deployment = (await user.get(`/api/v1/instances/${id}`)).body.currentDeployment as { id: string };
    expect((await other.get(`/api/v1/deployments/${deployment.id}/logs`)).status).toBe(404);
  });

  it('deletes the container, network, volume and images', async () => {
    expect((await user.delete(`/api/v1/instances/${id}`)).status).toBe(202);
    await expect.poll(async () => (await user.get(`/api/v1/instances/${id}`)).status, { timeout: 60_000 }).toBe(404);
    expect(await docker.listContainers({ all: true, filters: { label: [`zapdeploy.instance=${id}`] } })).toHaveLength(0);
    expect((await docker.listVolumes({ filters: { label: [`zapdeploy.instance=${id}`] } })).Volumes ?? []).toHaveLength(0);
    expect(await docker.listImages({ filters: { label: [`zapdeploy.instance=${id}`] } })).toHaveLength(0);
  });
});

describe('other repositories', () => {
  it('runs a repository with its own Dockerfile, and a Python bot', async () => {
    const client = await signUp();
    const own = await create(client, 'dockerfile-bot', fixtures.dockerfileBot);
    const python = await create(client, 'python-bot', fixtures.pythonBot);
    await waitForInstance(client, own.id, (i) => i.status === 'running');
    await waitForLog(client, `/api/v1/instances/${own.id}/logs`, /from my own Dockerfile/);
    await waitForInstance(client, python.id, (i) => i.status === 'running');
    await waitForLog(client, `/api/v1/instances/${python.id}/logs`, /python bot up/);
  });

  it('reports a failed build, a crash at start, an out-of-memory kill and an unknown project with readable reasons', async () => {
    const client = await signUp();
    const broken = await create(client, 'broken', fixtures.brokenBuild);
    const crash = await create(client, 'crash', fixtures.crashAtStart);
    const hog = await create(client, 'hog', fixtures.memoryHog, 'plan_dev');
    const unknown = await create(client, 'unknown', fixtures.unknown);

    const failed = await waitForInstance(client, broken.id, (i) => i.status === 'failed');
    expect(failed.statusReason).toBe('build_failed');
    expect(failed.currentDeployment?.status).toBe('failed');

    const crashed = await waitForInstance(client, crash.id, (i) => i.status === 'crashed');
    expect(crashed.statusReason).toBe('exit_code:2');
    expect(crashed.statusDetail).toBe('O bot encerrou com o código 2.');
    await waitForLog(client, `/api/v1/instances/${crash.id}/logs`, /missing TOKEN/);

    const oom = await waitForInstance(client, hog.id, (i) => i.status === 'crashed');
    expect(oom.statusReason).toBe('oom_killed:256');

    const nothing = await waitForInstance(client, unknown.id, (i) => i.status === 'failed');
    expect(nothing.statusReason).toBe('unknown_project');
    expect(nothing.statusDetail).toContain('package.json');
  });
});

describe('WhatsApp pairing', () => {
  it('shows each QR code the bot prints, in whatever format, then the pairing code and the connection', async () => {
    const client = await signUp();
    const b64 = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256)).toString('base64');
    const payloads = [
      `2@${b64(60)},${b64(32)},${b64(32)},${b64(32)}`,
      `2@${b64(48)},${b64(32)},${b64(32)},${b64(32)},1`,
      `https://wa.me/settings/linked_devices#2@${b64(60)},${b64(32)},${b64(32)},${b64(32)},1`,
      `2@${b64(30)},${b64(32)},${b64(32)},${b64(32)}`,
    ];
    const bot = await create(client, 'qr-bot', fixtures.whatsappQrBot, 'plan_bot', { env: { QR_PAYLOADS: JSON.stringify(payloads) } });
    const seen: string[] = [];
    let last: { qr: { payload: string; svg: string; expiresAt: string; seenAt: string } | null; pairingCode: string | null; connection: string } | undefined;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      last = (await client.get(`/api/v1/instances/${bot.id}/whatsapp`)).body as unknown as typeof last;
      const payload = last?.qr?.payload;
      if (payload && seen.at(-1) !== payload) seen.push(payload);
      if (last?.connection === 'connected') break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(seen).toEqual(payloads);
    expect(last).toMatchObject({ qr: null, pairingCode: null, connection: 'connected' });
    const other = await signUp();
    expect((await other.get(`/api/v1/instances/${bot.id}/whatsapp`)).status).toBe(404);
  });

  it('picks up the QR image BuilderBot writes beside its code', async () => {
    const client = await signUp();
    const payload = `2@${'b'.repeat(40)},DDDD,EEEE,FFFF`;
    const bot = await create(client, 'builderbot-qr', fixtures.builderbotQrBot, 'plan_bot', { env: { P: payload } });
    await expect
      .poll(async () => ((await client.get(`/api/v1/instances/${bot.id}/whatsapp`)).body.qr as { payload: string } | null)?.payload, {
        timeout: 180_000,
        interval: 300,
      })
      .toBe(payload);
    // A provider with its own name writes <name>.qr.png, and says so.
    const named = await create(client, 'builderbot-named', fixtures.builderbotQrBot, 'plan_bot', { env: { P: `${payload}9`, QR_FILE: 'loja.qr.png' } });
    await expect
      .poll(async () => ((await client.get(`/api/v1/instances/${named.id}/whatsapp`)).body.qr as { payload: string } | null)?.payload, {
        timeout: 180_000,
        interval: 300,
      })
      .toBe(`${payload}9`);
  });

  it('serves the QR as a clean SVG with its expiry', async () => {
    const client = await signUp();
    const payload = `2@${'q'.repeat(40)},AAAA,BBBB,CCCC`;
    const bot = await create(
      client,
      'qr-svg',
      {
        ...fixtures.whatsappQrBot,
        'index.js': "require('qrcode-terminal').generate(process.env.P, { small: true }, (q) => console.log(q)); setInterval(() => {}, 1000);",
      },
      'plan_bot',
      { env: { P: payload } },
    );
    await expect
      .poll(async () => ((await client.get(`/api/v1/instances/${bot.id}/whatsapp`)).body.qr as { payload: string } | null)?.payload, {
        timeout: 180_000,
        interval: 300,
      })
      .toBe(payload);
    const state = (await client.get(`/api/v1/instances/${bot.id}/whatsapp`)).body as unknown as {
      qr: { svg: string; seenAt: string; expiresAt: string };
      connection: string;
    };
    expect(state.connection).toBe('waiting_qr');
    expect(state.qr.svg).toMatch(/^<svg[^>]*viewBox/);
    expect(new Date(state.qr.expiresAt).getTime() - new Date(state.qr.seenAt).getTime()).toBe(60_000);
  });
});

describe('WhatsApp sessions', () => {
  it('keep the session folder across redeploys, restarts and env changes without the bot changing a line', async () => {
    const client = await signUp();
    const bot = await create(client, 'session-bot', fixtures.sessionBot);
    const first = await waitForLog(client, `/api/v1/instances/${bot.id}/logs`, /^session \w+ new$/);
    const id = first.find((l) => / new$/.test(l.line))?.line.split(' ')[1] ?? '';
    expect(id).not.toBe('');
    const countRestored = async () =>
      ((await client.get(`/api/v1/instances/${bot.id}/logs?limit=2000`)).body.items as { line: string }[]).filter((l) => l.line === `session ${id} restored`)
        .length;
    await client.post(`/api/v1/instances/${bot.id}/redeploy`);
    await expect.poll(countRestored, { timeout: 120_000 }).toBe(1);
    await client.post(`/api/v1/instances/${bot.id}/restart`);
    await expect.poll(countRestored, { timeout: 60_000 }).toBe(2);
    await client.patch(`/api/v1/instances/${bot.id}`, { env: { CHANGED: '1' } });
    await expect.poll(countRestored, { timeout: 60_000 }).toBe(3);
    const logs = ((await client.get(`/api/v1/instances/${bot.id}/logs?limit=2000`)).body.items as { line: string }[]).map((l) => l.line);
    expect(logs.filter((l) => / new$/.test(l))).toHaveLength(1);
    expect((await client.get(`/api/v1/instances/${bot.id}/whatsapp`)).body.sessionPersisted).toBe(true);

    // Log out: the session is gone and the bot starts a new one; nobody else may do it.
    const stranger = await signUp();
    expect((await stranger.post(`/api/v1/instances/${bot.id}/whatsapp/reset`)).status).toBe(404);
    expect((await client.post(`/api/v1/instances/${bot.id}/whatsapp/reset`)).status).toBe(202);
    const fresh = async () =>
      ((await client.get(`/api/v1/instances/${bot.id}/logs?limit=2000`)).body.items as { line: string }[])
        .filter((l) => / new$/.test(l.line))
        .map((l) => l.line);
    await expect.poll(async () => (await fresh()).length, { timeout: 60_000 }).toBe(2);
    expect((await fresh())[1]).not.toBe(`session ${id} new`);
  });
});

describe('WhatsApp sessions in folders of their own name', () => {
  it('keeps auth_info_<name> across a redeploy and a restart', async () => {
    const client = await signUp();
    const bot = await create(client, 'custom-session', fixtures.sessionBot, 'plan_bot', { env: { SESSION_DIR: 'auth_info_loja_centro' } });
    const first = await waitForLog(client, `/api/v1/instances/${bot.id}/logs`, / new$/, 180_000);
    const id = first.find((l) => / new$/.test(l.line))?.line.split(' ')[1] ?? '';
    const restored = async () =>
      ((await client.get(`/api/v1/instances/${bot.id}/logs?limit=2000`)).body.items as { line: string }[]).filter((l) => l.line === `session ${id} restored`)
        .length;
    await client.post(`/api/v1/instances/${bot.id}/redeploy`);
    await expect.poll(restored, { timeout: 120_000, interval: 500 }).toBe(1);
    await client.post(`/api/v1/instances/${bot.id}/restart`);
    await expect.poll(restored, { timeout: 60_000, interval: 500 }).toBe(2);
    await client.delete(`/api/v1/instances/${bot.id}`);
  });
});

describe('WhatsApp session backups', () => {
  it('downloads a backup of the session and restores it after a log out, for the owner only', async () => {
    const client = await signUp();
    const bot = await create(client, 'backup-bot', fixtures.sessionBot);
    const first = await waitForLog(client, `/api/v1/instances/${bot.id}/logs`, / new$/, 180_000);
    const id = first.find((l) => / new$/.test(l.line))?.line.split(' ')[1] ?? '';

    const requested = await client.post(`/api/v1/instances/${bot.id}/whatsapp/session/backup`);
    expect(requested.status).toBe(202);
    const transferUrl = `/api/v1/instances/${bot.id}/whatsapp/session/transfers/${requested.body.id}`;
    await expect.poll(async () => (await client.get(transferUrl)).body.status, { timeout: 60_000, interval: 500 }).toBe('done');
    const stranger = await signUp();
    expect((await stranger.get(`${transferUrl}/download`)).status).toBe(404);
    const download = await fetch(`${api.url}${transferUrl}/download`, { headers: { cookie: cookieOf(client) } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/gzip');
    expect(download.headers.get('content-disposition')).toContain('.tar.gz');
    const backup = Buffer.from(await download.arrayBuffer());
    const files = await listArchive(backup);
    expect(JSON.parse(files.get('sessions/auth_info_baileys/creds.json')?.toString() ?? '{}')).toEqual({ id });

    // Log out (a new session is made), then restore the backup: the bot comes back with the old one.
    expect((await client.post(`/api/v1/instances/${bot.id}/whatsapp/reset`)).status).toBe(202);
    const lines = async () => ((await client.get(`/api/v1/instances/${bot.id}/logs?limit=2000`)).body.items as { line: string }[]).map((l) => l.line);
    await expect.poll(async () => (await lines()).filter((l) => / new$/.test(l)).length, { timeout: 60_000, interval: 500 }).toBe(2);
    const upload = (body: Buffer, as: TestClient = client) =>
      fetch(`${api.url}/api/v1/instances/${bot.id}/whatsapp/session/restore`, {
        method: 'POST',
        headers: { cookie: cookieOf(as), origin: api.url, 'content-type': 'application/gzip' },
        body: new Uint8Array(body),
      });
    expect((await upload(backup, stranger)).status).toBe(404);
    const bad = await upload(Buffer.from('not a backup'));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { code: string }).code).toBe('session_archive_invalid');
    const restore = await upload(backup);
    expect(restore.status).toBe(202);
    const restored = (await restore.json()) as { id: string };
    await expect.poll(async () => (await lines()).includes(`session ${id} restored`), { timeout: 90_000, interval: 500 }).toBe(true);
    expect((await client.get(`/api/v1/instances/${bot.id}/whatsapp/session/transfers/${restored.id}`)).body.status).toBe('done');
    await client.delete(`/api/v1/instances/${bot.id}`);
  });
});

describe('never two copies', () => {
  it('has at most one container for an instance at any moment during rapid redeploys, restarts and plan changes', async () => {
    const client = await signUp();
    const bot = await create(client, 'one-copy', fixtures.sessionBot);
    await waitForInstance(client, bot.id, (i) => i.status === 'running');
    // Sample the engine all along: running containers labelled with this instance.
    let worst = 0;
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const running = await docker.listContainers({ filters: { label: [`zapdeploy.instance=${bot.id}`], status: ['running', 'restarting'] } });
        worst = Math.max(worst, running.length);
        samples += 1;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const burst = [
      client.post(`/api/v1/instances/${bot.id}/redeploy`),
      client.post(`/api/v1/instances/${bot.id}/restart`),
      client.post(`/api/v1/instances/${bot.id}/redeploy`),
      client.patch(`/api/v1/instances/${bot.id}`, { env: { ROUND: '1' } }),
      client.post(`/api/v1/instances/${bot.id}/restart`),
      client.patch(`/api/v1/instances/${bot.id}`, { planId: 'plan_bot_plus' }),
      client.post(`/api/v1/instances/${bot.id}/redeploy`),
    ];
    for (const request of burst) expect((await request).status).toBeLessThan(300);
    await waitForInstance(client, bot.id, (i) => i.status === 'running' && i.currentDeployment?.number === 4 && i.currentDeployment.status === 'live');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    sampling = false;
    await sampler;
    expect(samples).toBeGreaterThan(20);
    expect(worst).toBe(1);
    // Once the reconciler has applied the whole burst, one container is left.
    await expect
      .poll(async () => (await docker.listContainers({ all: true, filters: { label: [`zapdeploy.instance=${bot.id}`] } })).length, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(1);
    // The session made at the first start is the one every later start found.
    const logs = ((await client.get(`/api/v1/instances/${bot.id}/logs?limit=2000`)).body.items as { line: string }[]).map((l) => l.line);
    expect(logs.filter((l) => / new$/.test(l))).toHaveLength(1);
    await client.delete(`/api/v1/instances/${bot.id}`);
  });
});

describe('looking at a repository before deploying it', () => {
  it('says what will run, that a browser bot needs Chromium, or what is missing, in the user’s language', async () => {
    const node = await git.commit(`inspect-node-${Date.now()}`, fixtures.nodeBot);
    const answer = await user.post('/api/v1/repositories/inspect', { repoUrl: node });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, kind: 'node', packageManager: 'npm', chromium: false });
    const browser = await git.commit(`inspect-browser-${Date.now()}`, {
      'package.json': JSON.stringify({ name: 'b', scripts: { start: 'node index.js' }, dependencies: { 'whatsapp-web.js': '1.34.7' } }),
      'index.js': '',
    });
    expect((await user.post('/api/v1/repositories/inspect', { repoUrl: browser })).body).toMatchObject({ ok: true, chromium: true });
    const unknown = await git.commit(`inspect-unknown-${Date.now()}`, fixtures.unknown);
    const missing = await user.post('/api/v1/repositories/inspect', { repoUrl: unknown });
    expect(missing.body).toMatchObject({ ok: false, problem: { code: 'unknown_project' } });
    expect((missing.body.problem as { detail: string }).detail).toMatch(/package\.json/);
    const folder = await user.post('/api/v1/repositories/inspect', { repoUrl: node, rootDir: 'nope' });
    expect(folder.body).toMatchObject({ ok: false, problem: { code: 'root_dir_not_found' } });
    expect((await new TestClient(api.url).post('/api/v1/repositories/inspect', { repoUrl: node })).status).toBe(401);
  });
});

describe('disk', () => {
  it('pauses an instance that goes over its plan’s disk, saying why', async () => {
    const client = await signUp();
    const hog = await create(client, 'disk-hog', fixtures.diskHog, 'plan_dev');
    await waitForLog(client, `/api/v1/instances/${hog.id}/logs`, /wrote 1120 MB/, 120_000);
    const paused = await waitForInstance(client, hog.id, (i) => i.status === 'paused' && (i.statusReason ?? '').startsWith('disk_quota'));
    expect(paused.statusReason).toMatch(/^disk_quota:\d+:1024$/);
    expect(paused.statusDetail).toContain('o plano permite 1024 MB');
    expect((await docker.getContainer(`zd-${hog.id}`).inspect()).State.Running).toBe(false);
    await client.delete(`/api/v1/instances/${hog.id}`);
  });
});

function cookieOf(client: TestClient): string {
  return (client as unknown as { cookies: Map<string, string> }).cookies
    ? [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    : '';
}

function compare(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
