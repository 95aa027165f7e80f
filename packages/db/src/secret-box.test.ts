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
});
