import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { listArchive, normalizeSessionArchive, SessionArchiveError } from './session-archive.js';

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

async function reasonOf(archive: Buffer): Promise<string> {
  try {
    await normalizeSessionArchive(archive);
    return 'accepted';
  } catch (error) {
    return error instanceof SessionArchiveError ? error.reason : String(error);
  }
}

describe('normalizeSessionArchive', () => {
  it('keeps files under sessions/, owned by the bot, private, and drops links', async () => {
    const tar = await normalizeSessionArchive(
      await targz([
        { name: 'sessions/auth_info_baileys/creds.json', body: '{"id":1}' },
        { name: 'sessions/.wwebjs_auth/SingletonLock', type: 'symlink', linkname: 'host-123' },
      ]),
    );
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
    expect((await listArchive(gzipSync(tar))).get('sessions/auth_info_baileys/creds.json')?.toString()).toBe('{"id":1}');
  });

  it('moves an archive of the folder’s content under sessions/', async () => {
    const tar = await normalizeSessionArchive(await targz([{ name: './tokens/bot/session.json' }]));
    expect([...(await listArchive(gzipSync(tar))).keys()]).toEqual(['sessions/tokens/bot/session.json']);
  });

  it('refuses paths that climb out, absolute paths, empty archives and what is not a .tar.gz', async () => {
    expect(await reasonOf(await targz([{ name: 'sessions/../../etc/cron.d/x' }]))).toBe('unsafe_path');
    expect(await reasonOf(await targz([{ name: '/etc/passwd' }]))).toBe('unsafe_path');
    expect(await reasonOf(await targz([{ name: 'sessions/', type: 'directory' }]))).toBe('empty');
    expect(await reasonOf(Buffer.from('not an archive'))).toBe('not_gzip');
    expect(await reasonOf(gzipSync(Buffer.from('x'.repeat(600))))).toBe('not_tar');
  });
});
