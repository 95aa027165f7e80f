import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gunzipSync, gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { listArchive, normalizeSessionArchive, SessionArchiveError, sessionArchiveLimits } from './session-archive.js';

type Item = { name: string; type?: 'file' | 'directory' | 'symlink'; body?: string; linkname?: string };

async function targz(items: Item[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const item of items) {
    if (item.type === 'symlink') pack.entry({ name: item.name, type: 'symlink', linkname: item.linkname ?? '/etc/passwd' });
    else if (item.type === 'directory') pack.entry({ name: item.name, type: 'directory' });
    else pack.entry({ name: item.name, uid: 0, gid: 0, mode: 0o4755 }, item.body ?? 'x');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** The re-packed archive, gzipped. */
const normalized = (archive: Buffer | Readable, limits = sessionArchiveLimits(1024 * 1024)) => buffer(normalizeSessionArchive(archive, limits));

async function reasonOf(archive: Buffer | Readable, limits?: ReturnType<typeof sessionArchiveLimits>): Promise<string> {
  try {
    await normalized(archive, limits);
    return 'accepted';
  } catch (error) {
    return error instanceof SessionArchiveError ? error.reason : String(error);
  }
}

describe('normalizeSessionArchive', () => {
  it('keeps files under sessions/, owned by the bot, private, and drops links', async () => {
    const gzipped = await normalized(
      await targz([
        { name: 'sessions/auth_info_baileys/creds.json', body: '{"id":1}' },
        { name: 'sessions/.wwebjs_auth/SingletonLock', type: 'symlink', linkname: 'host-123' },
      ]),
    );
    const tar = gunzipSync(gzipped);
    const headers: { name: string; uid?: number; mode?: number; type?: string | null }[] = [];
    const extract = tarStream.extract();
    extract.on('entry', (header, stream, next) => {
      headers.push(header);
      stream.resume();
      stream.on('end', next);
    });
    await new Promise((resolve) => {
      extract.on('finish', () => resolve(undefined));
      extract.end(tar);
    });
    expect(headers.map((h) => h.name)).toEqual(['sessions/', 'sessions/auth_info_baileys/', 'sessions/auth_info_baileys/creds.json']);
    expect(headers.every((h) => h.uid === 1000)).toBe(true);
    expect(headers.find((h) => h.type === 'file')?.mode).toBe(0o600);
    expect((await listArchive(gzipped)).get('sessions/auth_info_baileys/creds.json')?.toString()).toBe('{"id":1}');
  });

  it('moves an archive of the folder’s content under sessions/', async () => {
    const gzipped = await normalized(await targz([{ name: './tokens/bot/session.json' }]));
    expect([...(await listArchive(gzipped)).keys()]).toEqual(['sessions/tokens/bot/session.json']);
  });

  it('refuses paths that climb out, absolute paths, empty archives and what is not a .tar.gz', async () => {
    expect(await reasonOf(await targz([{ name: 'sessions/../../etc/cron.d/x' }]))).toBe('unsafe_path');
    expect(await reasonOf(await targz([{ name: '/etc/passwd' }]))).toBe('unsafe_path');
    expect(await reasonOf(await targz([{ name: 'sessions/', type: 'directory' }]))).toBe('empty');
    expect(await reasonOf(Buffer.from('not an archive'))).toBe('not_gzip');
    expect(await reasonOf(gzipSync(Buffer.from('x'.repeat(600))))).toBe('not_tar');
  });

  it('refuses an upload over its compressed size, and a gzip bomb after inflating only up to the limit', async () => {
    const limits = sessionArchiveLimits(64 * 1024); // may expand to 256 KiB
    expect(await reasonOf(Buffer.alloc(65 * 1024, 1), limits)).toBe('too_big');
    // 1 GiB of zeros in one file: a tar header, then the same gzip member of 1 MiB of zeros 1024 times (about 1 MiB).
    const pack = tarStream.pack();
    pack.entry({ name: 'sessions/bomb', size: 1024 * 1024 * 1024 });
    const header = await new Promise<Buffer>((resolve) => pack.once('data', (chunk: unknown) => resolve(Buffer.from((chunk as Buffer).subarray(0, 512)))));
    pack.destroy();
    const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    const gz = Buffer.concat([gzipSync(header), ...Array.from({ length: 1024 }, () => member)]);
    let consumed = 0;
    const source = Readable.from(
      (function* () {
        for (let offset = 0; offset < gz.length; offset += 1024) {
          consumed += 1024;
          yield gz.subarray(offset, offset + 1024);
        }
      })(),
    );
    expect(await reasonOf(source, { ...limits, maxCompressedBytes: gz.length })).toBe('too_big');
    // Reading stopped early (what was read ahead sits in stream buffers, never inflated past the limit).
    expect(consumed).toBeLessThan(gz.length / 4);
  });

  it('refuses more entries than allowed', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ name: `sessions/f${i}` }));
    expect(await reasonOf(await targz(items), { ...sessionArchiveLimits(1024 * 1024), maxEntries: 20 })).toBe('too_big');
  });
});
