import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQrPng } from './qr-png.js';

describe(decodeQrPng.name, () => {
  it('reads a QR code PNG like the one BuilderBot writes', async () => {
    const payload = `2@${'x'.repeat(50)},AAAA,BBBB,CCCC`;
    expect(decodeQrPng(await QRCode.toBuffer(payload, { margin: 4 }))).toBe(payload);
  });
  it('answers undefined for anything else', () => {
    expect(decodeQrPng(Buffer.from('not a png'))).toBeUndefined();
  });
});
