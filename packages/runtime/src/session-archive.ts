import { Readable } from 'node:stream';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';

/** Limits of a WhatsApp session backup: Chromium profiles (whatsapp-web.js) are the big ones. */
export const SESSION_ARCHIVE_LIMITS = { maxCompressedBytes: 64 * 1024 * 1024, maxBytes: 256 * 1024 * 1024, maxEntries: 20_000 } as const;

const BOT_UID = 1000;

export class SessionArchiveError extends Error {
  constructor(readonly reason: 'not_gzip' | 'not_tar' | 'unsafe_path' | 'too_big' | 'empty') {
    super(`session archive refused: ${reason}`);
    this.name = 'SessionArchiveError';
  }
}

/**
 * Checks a session backup a user uploads (.tar.gz) and re-packs it for the instance's volume: only files and
 * folders, every path under `sessions/` (archives of the folder's content are moved under it), none absolute or
 * climbing out with `..`, owned by the bot's user with private modes; links and devices are left out.
 * Returns an uncompressed tar to extract at `/data`.
 */
export async function normalizeSessionArchive(gzipped: Buffer, limits = SESSION_ARCHIVE_LIMITS): Promise<Buffer> {
  if (gzipped.length > limits.maxCompressedBytes) throw new SessionArchiveError('too_big');
  let tar: Buffer;
  try {
    tar = gunzipSync(gzipped, { maxOutputLength: limits.maxBytes + 1024 * 1024 });
  } catch (error) {
    throw new SessionArchiveError((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? 'too_big' : 'not_gzip');
  }
  const entries = await readEntries(tar, limits);
  const files = entries.filter((entry) => entry.type === 'file');
  if (files.length === 0) throw new SessionArchiveError('empty');
  const pack = tarStream.pack();
  const folders = new Set<string>(['sessions/']);
  for (const entry of entries) {
    const parts = entry.path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join('/')}/`);
    if (entry.type === 'directory') folders.add(`${entry.path}/`);
  }
  for (const folder of [...folders].sort()) pack.entry({ name: folder, type: 'directory', mode: 0o700, uid: BOT_UID, gid: BOT_UID });
  for (const file of files) pack.entry({ name: file.path, type: 'file', mode: 0o600, uid: BOT_UID, gid: BOT_UID, mtime: file.mtime }, file.data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A tar stream of `sessions/…` (as read from the volume) as a .tar.gz for download. */
export async function gzipSessionTar(tar: AsyncIterable<unknown>, maxBytes = SESSION_ARCHIVE_LIMITS.maxBytes): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const data of tar) {
    const chunk = data as Buffer;
    size += chunk.length;
    if (size > maxBytes) throw new SessionArchiveError('too_big');
    chunks.push(chunk);
  }
  return gzipSync(Buffer.concat(chunks));
}

/** The paths of the files in a .tar.gz (tests and checks). */
export async function listArchive(gzipped: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') files.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from(gzipped).pipe(createGunzip()).pipe(extract);
  await done;
  return files;
}

type Entry = { path: string; type: 'file' | 'directory'; data: Buffer; mtime: Date | undefined };

async function readEntries(tar: Buffer, limits: typeof SESSION_ARCHIVE_LIMITS): Promise<Entry[]> {
  const entries: Entry[] = [];
  let total = 0;
  const extract = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        total += chunk.length;
        if (total <= limits.maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        try {
          if (entries.length >= limits.maxEntries || total > limits.maxBytes) throw new SessionArchiveError('too_big');
          const type = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'directory' : undefined;
          if (type) entries.push({ path: safePath(header.name), type, data: Buffer.concat(chunks), mtime: header.mtime });
          next();
        } catch (error) {
          reject(error);
        }
      });
    });
    extract.on('finish', resolve);
    extract.on('error', () => reject(new SessionArchiveError('not_tar')));
  });
  Readable.from(tar).pipe(extract);
  await done;
  return entries;
}

/** `sessions/a/b` from `sessions/a/b`, `./a/b` or `a/b`; refuses absolute paths and `..`. */
function safePath(name: string): string {
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0')) throw new SessionArchiveError('unsafe_path');
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) throw new SessionArchiveError('unsafe_path');
  const inside = parts[0] === 'sessions' ? parts.slice(1) : parts;
  return ['sessions', ...inside].join('/');
}
