import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const VERSION = 'v1';

/**
 * Authenticated encryption (AES-256-GCM) for secrets at rest, keyed from ZAPDEPLOY_SECRET
 * through HKDF with a purpose label, so one master secret yields independent keys.
 * Ciphertext format: `v1.<iv>.<tag>.<data>`, each part base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterSecret: string, purpose: string) {
    if (masterSecret.length < 32) throw new Error('SecretBox needs a master secret of at least 32 characters');
    this.key = Buffer.from(hkdfSync('sha256', masterSecret, 'zapdeploy', `secret-box:${purpose}`, 32));
  }

  seal(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), data].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** Throws when the ciphertext was tampered with, sealed for another context, or under another key. */
  open(sealed: string, context = ''): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) {
      throw new Error('SecretBox: unrecognised ciphertext');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * Seals a byte stream of any length in chunks (the STREAM construction: AES-256-GCM per chunk, the nonce
   * made of a random prefix, the chunk counter and a last-chunk flag), so that neither side holds it whole and
   * every chunk is authenticated before it is let through; truncation and reordering are detected.
   */
  sealStream(context = ''): Transform {
    return new SealingStream(this.key, Buffer.from(context));
  }

  /** The plaintext of `sealStream`'s output; fails (and lets nothing unauthenticated through) when it was tampered with. */
  openStream(context = ''): Transform {
    return new OpeningStream(this.key, Buffer.from(context));
  }
}

const STREAM_MAGIC = Buffer.from('ZDS1');
const STREAM_PREFIX_BYTES = 7;
const STREAM_CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;

function chunkNonce(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, STREAM_PREFIX_BYTES);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

class SealingStream extends Transform {
  private readonly prefix = randomBytes(STREAM_PREFIX_BYTES);
  private pending = Buffer.alloc(0);
  private counter = 0;

  constructor(
    private readonly key: Buffer,
    private readonly aad: Buffer,
  ) {
    super();
    this.push(Buffer.concat([STREAM_MAGIC, this.prefix]));
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = Buffer.concat([this.pending, data]);
    // Keep at least one byte back: the last chunk is only known at the end.
    while (this.pending.length > STREAM_CHUNK_BYTES) {
      this.sealChunk(this.pending.subarray(0, STREAM_CHUNK_BYTES), false);
      this.pending = this.pending.subarray(STREAM_CHUNK_BYTES);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.sealChunk(this.pending, true);
    callback();
  }

  private sealChunk(plaintext: Buffer, last: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.prefix, this.counter, last));
    this.counter += 1;
    cipher.setAAD(this.aad);
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(plaintext.length);
    this.push(Buffer.concat([length, data, cipher.getAuthTag()]));
  }
}

class OpeningStream extends Transform {
  private pending = Buffer.alloc(0);
  private prefix: Buffer | undefined;
  private counter = 0;
  private ended = false;

  constructor(
    private readonly key: Buffer,
    private readonly aad: Buffer,
  ) {
    super();
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = Buffer.concat([this.pending, data]);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.ended && this.pending.length === 0 ? null : new Error('SecretBox: sealed stream truncated'));
  }

  private drain(): void {
    if (!this.prefix) {
      if (this.pending.length < STREAM_MAGIC.length + STREAM_PREFIX_BYTES) return;
      if (!this.pending.subarray(0, STREAM_MAGIC.length).equals(STREAM_MAGIC)) throw new Error('SecretBox: unrecognised sealed stream');
      this.prefix = Buffer.from(this.pending.subarray(STREAM_MAGIC.length, STREAM_MAGIC.length + STREAM_PREFIX_BYTES));
      this.pending = this.pending.subarray(STREAM_MAGIC.length + STREAM_PREFIX_BYTES);
    }
    while (this.pending.length >= 4) {
      if (this.ended) throw new Error('SecretBox: data after the last chunk');
      const length = this.pending.readUInt32BE(0);
      if (length > STREAM_CHUNK_BYTES) throw new Error('SecretBox: chunk too large');
      if (this.pending.length < 4 + length + TAG_BYTES) return;
      const data = this.pending.subarray(4, 4 + length);
      const tag = this.pending.subarray(4 + length, 4 + length + TAG_BYTES);
      // A short chunk is the last one; a full one may be either.
      const plaintext = length < STREAM_CHUNK_BYTES ? this.openChunk(data, tag, true) : (this.openChunk(data, tag, false) ?? this.openChunk(data, tag, true));
      if (!plaintext) throw new Error('SecretBox: sealed stream tampered with');
      this.counter += 1;
      this.pending = this.pending.subarray(4 + length + TAG_BYTES);
      if (plaintext.length > 0) this.push(plaintext);
    }
  }

  private openChunk(data: Buffer, tag: Buffer, last: boolean): Buffer | undefined {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, chunkNonce(this.prefix as Buffer, this.counter, last));
      decipher.setAAD(this.aad);
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([decipher.update(data), decipher.final()]);
      if (last) this.ended = true;
      return plaintext;
    } catch {
      return undefined;
    }
  }
}
