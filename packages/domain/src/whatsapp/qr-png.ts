import { PNG } from 'pngjs';
import { decodeRgba } from './qr-matrix.js';

/** Reads the QR code in a PNG image (BuilderBot writes its pairing QR as `bot.qr.png`). */
export function decodeQrPng(png: Buffer): string | undefined {
  try {
    const image = PNG.sync.read(png);
    return decodeRgba(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  } catch {
    return undefined;
  }
}
