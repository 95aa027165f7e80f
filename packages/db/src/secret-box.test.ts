import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const secret = 'a'.repeat(40);

describe(SecretBox.name, () => {
  it('round-trips and never stores the plaintext', () => {
    const sut = new SecretBox(secret, 'env');
    const sealed = sut.seal('hunter2', 'ins_1:API_KEY');
    expect(sealed).not.toContain('hunter2');
    expect(sut.open(sealed, 'ins_1:API_KEY')).toBe('hunter2');
  });
  it('uses a fresh IV each time', () => {
    const sut = new SecretBox(secret, 'env');
    expect(sut.seal('x')).not.toBe(sut.seal('x'));
  });
  it('refuses another context, another key, or a tampered ciphertext', () => {
    const sut = new SecretBox(secret, 'env');
    const sealed = sut.seal('value', 'ins_1:A');
    expect(() => sut.open(sealed, 'ins_2:A')).toThrow();
    expect(() => new SecretBox('b'.repeat(40), 'env').open(sealed, 'ins_1:A')).toThrow();
    expect(() => new SecretBox(secret, 'other').open(sealed, 'ins_1:A')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => sut.open(parts.join('.'), 'ins_1:A')).toThrow();
  });

  describe('streams', () => {
    const seal = async (box: SecretBox, data: Buffer, context: string) => buffer(Readable.from([data]).pipe(box.sealStream(context)));
    const open = async (box: SecretBox, sealed: Buffer, context: string) => {
      const chunks: Buffer[] = [];
      const sink = box.openStream(context);
      sink.on('data', (chunk: Buffer) => chunks.push(chunk));
      await pipeline(Readable.from([sealed]), sink);
      return Buffer.concat(chunks);
    };

    it.each([0, 1, 65_536, 131_072, 200_001])('round-trips %i bytes without the plaintext in the output', async (size) => {
      const sut = new SecretBox(secret, 'archive');
      const data = Buffer.alloc(size, 'z');
      const sealed = await seal(sut, data, 'sst_1');
      if (size > 0) expect(sealed.includes(Buffer.from('zzzzzzzz'))).toBe(false);
      expect((await open(sut, sealed, 'sst_1')).equals(data)).toBe(true);
    });

    it('refuses another context, a flipped byte, a truncated or an extended stream', async () => {
      const sut = new SecretBox(secret, 'archive');
      const sealed = await seal(sut, randomBytes(150_000), 'sst_1');
      await expect(open(sut, sealed, 'sst_2')).rejects.toThrow();
      const flipped = Buffer.from(sealed);
      flipped[100_000] = (flipped[100_000] ?? 0) ^ 1;
      await expect(open(sut, flipped, 'sst_1')).rejects.toThrow();
      // Cut at a chunk boundary: every chunk left is authentic, but the last one is missing.
      await expect(open(sut, sealed.subarray(0, 11 + 2 * (4 + 65_536 + 16)), 'sst_1')).rejects.toThrow(/truncated/);
      await expect(open(sut, Buffer.concat([sealed, sealed.subarray(11)]), 'sst_1')).rejects.toThrow();
    });
  });
});
