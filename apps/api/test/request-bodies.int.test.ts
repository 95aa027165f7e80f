import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoUrl = 'https://github.com/zapdeploy/example-bot';
let api: TestApi;
let counter = 0;

async function user(): Promise<TestClient> {
  const browser = new TestClient(api.url);
  counter += 1;
  const response = await browser.post('/api/auth/sign-up/email', {
    email: `bodies${counter}@example.com`,
    password: 'cavalo-bateria-grampo',
    name: `User ${counter}`,
  });
  expect(response.status).toBe(200);
  return browser;
}

async function instance(client: TestClient, planId?: string): Promise<string> {
  counter += 1;
  const created = await client.post('/api/v1/instances', { name: `bot-${counter}`, repoUrl, ...(planId ? { planId } : {}) });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** A session backup (.tar.gz) with these files; `size` bytes of zeros in one more file when given (a gzip bomb). */
async function sessionArchive(files: Record<string, string>, bomb?: number): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, body);
  if (bomb) {
    const sink = pack.entry({ name: 'sessions/bomb.bin', size: bomb });
    const chunk = Buffer.alloc(1024 * 1024);
    for (let written = 0; written < bomb; written += chunk.length) sink.write(chunk.subarray(0, Math.min(chunk.length, bomb - written)));
    sink.end(Buffer.alloc(0));
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

/**
 * Sends a `total`-byte body as fast as the server takes it and stops at the first answer: says how many bytes had
 * gone out by then, the status and the body.
 */
function pushBody(
  url: string,
  total: number,
  headers: Record<string, string>,
): Promise<{ status: number; sentBeforeAnswer: number; body: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = http.request(url, { method: 'POST', headers: { 'content-length': String(total), ...headers } });
    request.on('response', (response) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, sentBeforeAnswer, body: Buffer.concat(chunks).toString(), ms: Date.now() - started });
        request.destroy();
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 7);
    const pump = () => {
      while (!answered && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!request.write(piece)) {
          request.once('drain', pump);
          return;
        }
      }
      if (sent >= total) request.end();
    };
    pump();
  });
}

const MB = 1024 * 1024;

describe('request bodies and session archives', () => {
  beforeAll(async () => {
    api = await startTestApi({
      mode: 'full',
      env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'true', ZAPDEPLOY_SESSION_ARCHIVE_MAX_MB: '1', ZAPDEPLOY_SESSION_TRANSFER_TTL_SECONDS: '3' },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('refuses an anonymous 60 MB upload before reading it, without the server holding it', async () => {
    const owner = await user();
    const id = await instance(owner);
    const before = process.memoryUsage().arrayBuffers;
    const answer = await pushBody(`${api.url}/api/v1/instances/${id}/whatsapp/session/restore`, 60 * MB, { 'content-type': 'application/gzip' });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'unauthenticated', status: 401 });
    // What went out before the answer is what the socket buffers took, not the body.
    expect(answer.sentBeforeAnswer).toBeLessThan(16 * MB);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * MB);
    // Anonymous JSON writes are refused the same way.
    const json = await pushBody(`${api.url}/api/v1/instances`, 60 * MB, { 'content-type': 'application/json' });
    expect(json.status).toBe(401);
    expect(json.sentBeforeAnswer).toBeLessThan(16 * MB);
  });

  it('caps the bodies of signed-in callers and of the sign-in routes', async () => {
    const owner = await user();
    const id = await instance(owner);
    const cookie = owner.cookieHeader();
    const origin = new URL(api.url).origin;
    const declared = await pushBody(`${api.url}/api/v1/instances/${id}/whatsapp/session/restore`, 60 * MB, {
      'content-type': 'application/gzip',
      cookie,
      origin,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'session_archive_too_large' });
    expect(declared.sentBeforeAnswer).toBeLessThan(16 * MB);
    const json = await pushBody(`${api.url}/api/v1/instances`, 2 * MB, { 'content-type': 'application/json', cookie, origin });
    expect(json.status).toBe(413);
    const signIn = await pushBody(`${api.url}/api/auth/sign-in/email`, 8 * MB, { 'content-type': 'application/json', origin });
    expect(signIn.status).toBe(413);
    expect(JSON.parse(signIn.body)).toMatchObject({ code: 'payload_too_large' });
    expect(signIn.sentBeforeAnswer).toBeLessThan(6 * MB);
  });

  it('refuses a gzip bomb (a few hundred KB that expand to 200 MB) with 413 problem+json, storing nothing', async () => {
    const owner = await user();
    const id = await instance(owner);
    const bomb = await sessionArchive({ 'sessions/auth_info/creds.json': '{}' }, 200 * MB);
    expect(bomb.length).toBeLessThan(MB);
    const upload = await fetch(`${api.url}/api/v1/instances/${id}/whatsapp/session/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip', cookie: owner.cookieHeader(), origin: new URL(api.url).origin, 'accept-language': 'en' },
      body: new Uint8Array(bomb),
    });
    expect(upload.status).toBe(413);
    expect(upload.headers.get('content-type')).toContain('application/problem+json');
    expect(await upload.json()).toMatchObject({ code: 'session_archive_too_large', detail: expect.stringContaining('1 MB') });
    // What is not a .tar.gz at all is refused as such (the refusal comes before the store even opens its file).
    const garbage = await fetch(`${api.url}/api/v1/instances/${id}/whatsapp/session/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip', cookie: owner.cookieHeader(), origin: new URL(api.url).origin },
      body: 'not a backup',
    });
    expect(garbage.status).toBe(422);
    expect(await garbage.json()).toMatchObject({ code: 'session_archive_invalid' });
    const rows = await api.platform.database.db.select().from(tables.sessionTransfers).where(eq(tables.sessionTransfers.instanceId, id));
    expect(rows).toEqual([]);
  });

  it('refuses a restore on an instance held for payment', async () => {
    const owner = await user();
    const unpaid = await instance(owner, 'plan_bot');
    expect((await owner.get(`/api/v1/instances/${unpaid}`)).body.statusReason).toBe('awaiting_payment');
    const archive = await sessionArchive({ 'sessions/auth_info/creds.json': '{"me":1}' });
    const upload = await fetch(`${api.url}/api/v1/instances/${unpaid}/whatsapp/session/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip', cookie: owner.cookieHeader(), origin: new URL(api.url).origin },
      body: new Uint8Array(archive),
    });
    expect(upload.status).toBe(402);
    expect(await upload.json()).toMatchObject({ code: 'instance_unpaid' });
  });

  it('keeps the archive sealed on disk, not in the database, replaces it with a newer one, and expires it', async () => {
    const owner = await user();
    const id = await instance(owner);
    const secret = `creds-${randomBytes(8).toString('hex')}`;
    const upload = async () =>
      fetch(`${api.url}/api/v1/instances/${id}/whatsapp/session/restore`, {
        method: 'POST',
        headers: { 'content-type': 'application/gzip', cookie: owner.cookieHeader(), origin: new URL(api.url).origin },
        body: new Uint8Array(await sessionArchive({ 'sessions/auth_info/creds.json': secret })),
      });
    const first = (await (await upload()).json()) as { id: string; status: string; expiresAt: string };
    expect(first.status).toBe('pending');
    const fileOf = (transferId: string) => path.join(api.dataDir, 'session-archives', `${transferId}.sealed`);
    expect(existsSync(fileOf(first.id))).toBe(true);
    expect(readFileSync(fileOf(first.id)).includes(Buffer.from(secret))).toBe(false);
    const columns = Object.keys(
      (await api.platform.database.db.select().from(tables.sessionTransfers).where(eq(tables.sessionTransfers.id, first.id)))[0] ?? {},
    );
    expect(columns).not.toContain('archiveSealed');

    const second = (await (await upload()).json()) as { id: string; expiresAt: string };
    const transfer = (transferId: string) => owner.get(`/api/v1/instances/${id}/whatsapp/session/transfers/${transferId}`);
    expect((await transfer(first.id)).body).toMatchObject({ status: 'expired', error: 'superseded' });
    expect(existsSync(fileOf(first.id))).toBe(false);

    // No worker applies it here: past its time it expires, and the sweep deletes its archive.
    expect(Date.parse(second.expiresAt) - Date.now()).toBeLessThanOrEqual(3_000);
    await expect.poll(async () => (await transfer(second.id)).body.status, { timeout: 10_000, interval: 250 }).toBe('expired');
    await expect.poll(() => existsSync(fileOf(second.id)), { timeout: 10_000, interval: 250 }).toBe(false);
  });
});

describe('a restore already waiting when the instance is held for payment', () => {
  let held: TestApi;
  beforeAll(async () => {
    held = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'true' } });
  });
  afterAll(async () => {
    await held?.close();
  });

  it('is not applied by the worker: it fails and its archive is deleted', async () => {
    const owner = new TestClient(held.url);
    expect((await owner.post('/api/auth/sign-up/email', { email: 'held@example.com', password: 'cavalo-bateria-grampo', name: 'Held' })).status).toBe(200);
    const created = await owner.post('/api/v1/instances', { name: 'sem-pagamento', repoUrl, planId: 'plan_bot' });
    const id = created.body.id as string;
    expect(created.body.statusReason).toBe('awaiting_payment');
    // As if it had been accepted just before the hold: stored, recorded, and the worker nudged.
    const transferId = 'sst_heldrestore0000000000';
    const archive = await sessionArchive({ 'sessions/auth_info/creds.json': '{"me":1}' });
    await held.platform.sessionArchives.write(transferId, Readable.from([archive]), MB);
    await held.platform.sessionTransfers.create({
      id: transferId,
      instanceId: id,
      direction: 'restore',
      bytes: archive.length,
      expiresAt: new Date(Date.now() + 60_000),
    });
    held.worker?.nudge(id);
    const transfer = () => owner.get(`/api/v1/instances/${id}/whatsapp/session/transfers/${transferId}`);
    await expect.poll(async () => (await transfer()).body.status, { timeout: 30_000, interval: 250 }).toBe('failed');
    expect((await transfer()).body.error).toBe('instance_unpaid');
    expect(existsSync(path.join(held.dataDir, 'session-archives', `${transferId}.sealed`))).toBe(false);
  });
});
