import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tarStream from 'tar-stream';

/**
 * Limits of a WhatsApp session archive: its compressed size, what it may expand to (Chromium profiles of
 * whatsapp-web.js are the big ones) and how many entries it may hold.
 */
export type SessionArchiveLimits = { readonly maxCompressedBytes: number; readonly maxBytes: number; readonly maxEntries: number };

/** The limits for a given compressed cap: an archive may expand to four times it. */
export function sessionArchiveLimits(maxCompressedBytes: number): SessionArchiveLimits {
  return { maxCompressedBytes, maxBytes: maxCompressedBytes * 4, maxEntries: 20_000 };
}

export const SESSION_ARCHIVE_LIMITS = sessionArchiveLimits(64 * 1024 * 1024);

const BOT_UID = 1000;

export class SessionArchiveError extends Error {
  constructor(readonly reason: 'not_gzip' | 'not_tar' | 'unsafe_path' | 'too_big' | 'empty') {
    super(`session archive refused: ${reason}`);
    this.name = 'SessionArchiveError';
  }
}

/** Passes bytes through until more than `max` went by, then fails with `too_big`. */
export function byteLimit(max: number, onBytes?: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      total += chunk.length;
      onBytes?.(total);
      callback(total > max ? new SessionArchiveError('too_big') : null, total > max ? undefined : chunk);
    },
  });
}

/**
 * Checks a session backup a user uploads (.tar.gz) while it streams in, and re-packs it for the instance's
 * volume: only files and folders, every path under `sessions/` (archives of the folder's content are moved
 * under it), none absolute or climbing out with `..`, owned by the bot's user with private modes; links and
 * devices are left out. Returns the re-packed archive, gzipped, as a stream that fails with a
 * SessionArchiveError as soon as the upload breaks a rule: nothing is ever held whole, and a gzip bomb is
 * inflated only up to `limits.maxBytes`.
 */
export function normalizeSessionArchive(source: Readable | Buffer, limits: SessionArchiveLimits = SESSION_ARCHIVE_LIMITS): Readable {
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  const pack = tarStream.pack();
  const output = new PassThrough();
  const gunzip = createGunzip();
  const extract = tarStream.extract();
  let failedStage: 'gzip' | 'tar' | undefined;
  gunzip.on('error', () => {
    failedStage ??= 'gzip';
  });
  extract.on('error', () => {
    failedStage ??= 'tar';
  });
  const folders = new Set<string>();
  let entries = 0;
  let files = 0;
  const addFolders = (path: string, includeSelf: boolean) => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length - (includeSelf ? 0 : 1); i++) {
      const folder = `${parts.slice(0, i).join('/')}/`;
      if (folders.has(folder)) continue;
      folders.add(folder);
      pack.entry({ name: folder, type: 'directory', mode: 0o700, uid: BOT_UID, gid: BOT_UID });
    }
  };
  extract.on('entry', (header, stream, next) => {
    stream.on('error', () => undefined); // the refusal is reported once, by the pipeline
    try {
      entries += 1;
      if (entries > limits.maxEntries) throw new SessionArchiveError('too_big');
      const type = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'directory' : undefined;
      if (!type) {
        stream.on('end', () => next());
        stream.resume();
        return;
      }
      const path = safePath(header.name);
      if (type === 'directory') {
        addFolders(path, true);
        stream.on('end', () => next());
        stream.resume();
        return;
      }
      addFolders(path, false);
      files += 1;
      const sink = pack.entry(
        { name: path, type: 'file', size: header.size, mode: 0o600, uid: BOT_UID, gid: BOT_UID, ...(header.mtime ? { mtime: header.mtime } : {}) },
        (error) => (error ? extract.destroy(error) : next()),
      );
      sink.on('error', () => undefined); // its error ends the entry, which the extract reports once (above)
      stream.pipe(sink);
    } catch (error) {
      stream.resume();
      extract.destroy(error as Error);
    }
  });
  pipeline(input, byteLimit(limits.maxCompressedBytes), gunzip, byteLimit(limits.maxBytes), extract)
    .then(() => {
      if (files === 0) throw new SessionArchiveError('empty');
      pack.finalize();
    })
    .catch((error: unknown) => {
      const refused =
        error instanceof SessionArchiveError
          ? error
          : failedStage === 'gzip'
            ? new SessionArchiveError('not_gzip')
            : failedStage === 'tar'
              ? new SessionArchiveError('not_tar')
              : (error as Error);
      pack.destroy(refused);
      output.destroy(refused);
    });
  pack.on('error', (error) => output.destroy(error));
  pack.pipe(createGzip()).pipe(output);
  return output;
}

/** A tar stream of `sessions/…` (as read from the volume) as a .tar.gz stream for download, failing past `maxBytes`. */
export function gzipSessionTar(tar: Readable, maxBytes = SESSION_ARCHIVE_LIMITS.maxBytes): Readable {
  const output = new PassThrough();
  pipeline(tar, byteLimit(maxBytes), createGzip(), output).catch((error: unknown) => output.destroy(error as Error));
  return output;
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

/** `sessions/a/b` from `sessions/a/b`, `./a/b` or `a/b`; refuses absolute paths and `..`. */
function safePath(name: string): string {
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0')) throw new SessionArchiveError('unsafe_path');
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) throw new SessionArchiveError('unsafe_path');
  const inside = parts[0] === 'sessions' ? parts.slice(1) : parts;
  return ['sessions', ...inside].join('/');
}
