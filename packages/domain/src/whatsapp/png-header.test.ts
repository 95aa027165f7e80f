import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { isDecodableQrPng, pngSize, QR_PNG_LIMITS } from './png-header.js';

/** A PNG signature and IHDR chunk declaring `width` × `height`, and nothing else. */
function header(width: number, height: number): Buffer {
  const png = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png;
}

describe(pngSize.name, () => {
  it('reads the size a QR image like BuilderBot’s declares', async () => {
    const png = await QRCode.toBuffer('2@abc,def,ghi', { margin: 4, scale: 10 });
    const size = pngSize(png);
    expect(size?.width).toBeGreaterThan(200);
    expect(size?.width).toBe(size?.height);
    expect(isDecodableQrPng(png)).toBe(true);
  });

  it('refuses, before any decoding, an image whose header declares more than a QR code needs', () => {
    expect(isDecodableQrPng(header(QR_PNG_LIMITS.maxSide, QR_PNG_LIMITS.maxSide))).toBe(true);
    expect(isDecodableQrPng(header(100_000, 100_000))).toBe(false); // 40 GB of pixels from a 33-byte file
    expect(isDecodableQrPng(header(QR_PNG_LIMITS.maxSide + 1, 10))).toBe(false);
    expect(isDecodableQrPng(header(0, 10))).toBe(false);
  });

  it('answers undefined for anything else', () => {
    expect(pngSize(Buffer.from('not a png at all, even if long enough'))).toBeUndefined();
    expect(pngSize(header(10, 10).subarray(0, 20))).toBeUndefined();
    expect(isDecodableQrPng(Buffer.alloc(0))).toBe(false);
  });
});
