import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SecretBox } from '@zapdeploy/db';

const ID = /^[a-z]{2,8}_[0-9a-z]{10,40}$/;
const SUFFIX = '.sealed';
const PARTIAL = '.partial';

export class ArchiveTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`session archive larger than ${maxBytes} bytes`);
    this.name = 'ArchiveTooLargeError';
  }
}

/**
 * WhatsApp session archives (.tar.gz) on disk, one file per transfer, sealed in chunks with SecretBox (a session is
 * a login) and bound to the transfer id: written and read as streams, never held whole. The directory must be
 * shared by the API and every worker (one machine, or a shared volume).
 */
export class SessionArchiveStore {
  constructor(
    private readonly dir: string,
    private readonly box: SecretBox,
  ) {}

  /**
   * Stores the gzip bytes of `source` under `id`, refusing (ArchiveTooLargeError) past `maxBytes`; returns how many
   * bytes it held. Nothing is left behind when the source fails: the file appears only once complete.
   */
  async write(id: string, source: Readable, maxBytes: number): Promise<number> {
    // The source may fail before the pipeline below takes it: its error is reported by the pipeline, not thrown at large.
    source.on('error', () => undefined);
    const file = this.file(id);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const partial = `${file}${PARTIAL}`;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(bytes > maxBytes ? new ArchiveTooLargeError(maxBytes) : null, bytes > maxBytes ? undefined : chunk);
      },
    });
    try {
      await pipeline(source, counter, this.box.sealStream(id), createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, file);
      return bytes;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  /** The gzip bytes of an archive; the stream fails if the file is missing or was tampered with. */
  read(id: string): Readable {
    const output = new PassThrough();
    pipeline(createReadStream(this.file(id)), this.box.openStream(id), output).catch((error: unknown) => output.destroy(error as Error));
    return output;
  }

  async remove(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
    await rm(`${this.file(id)}${PARTIAL}`, { force: true });
  }

  /** Archives (and unfinished writes) on disk with their last change: the sweep removes those no live transfer owns. */
  async list(): Promise<{ readonly id: string; readonly modifiedAt: Date }[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    const found: { id: string; modifiedAt: Date }[] = [];
    for (const name of names) {
      const id = name.endsWith(SUFFIX)
        ? name.slice(0, -SUFFIX.length)
        : name.endsWith(`${SUFFIX}${PARTIAL}`)
          ? name.slice(0, -(SUFFIX + PARTIAL).length)
          : undefined;
      if (!id || !ID.test(id)) continue;
      const info = await stat(path.join(this.dir, name)).catch(() => undefined);
      if (info) found.push({ id, modifiedAt: info.mtime });
    }
    return found;
  }

  private file(id: string): string {
    if (!ID.test(id)) throw new Error(`not a transfer id: ${id}`);
    return path.join(this.dir, `${id}${SUFFIX}`);
  }
}
