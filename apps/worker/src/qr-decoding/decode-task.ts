import { attemptMatrix, isDecodableQrPng, type Matrix, type QrAttempt } from '@zapdeploy/domain';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

/**
 * One decoding, run on a pool thread (qr-decoder.ts): the costly part of reading a QR code (building the
 * image and jsQR's search, hundreds of milliseconds on noise) never blocks the worker's event loop.
 */
export type DecodeTask = { readonly kind: 'attempt'; readonly attempt: QrAttempt } | { readonly kind: 'png'; readonly png: Uint8Array };

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: string }) => { data: string } | null;
// jsqr is CommonJS: under Node's ESM the default import is module.exports, under bundlers its `default`.
const jsQR = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as unknown as JsQr;

const SCALE = 4;
const QUIET = 4;

export default function decode(task: DecodeTask): string | null {
  return (task.kind === 'png' ? decodePng(task.png) : decodeMatrix(attemptMatrix(task.attempt))) ?? null;
}

/** Decodes a module matrix (any polarity, any quiet zone) with jsQR; undefined when it is not a QR code. */
export function decodeMatrix(matrix: Matrix): string | undefined {
  const height = matrix.length;
  let width = 0;
  for (const row of matrix) width = Math.max(width, row.length);
  if (height < 21 || width < 21) return undefined;
  const w = (width + QUIET * 2) * SCALE;
  const h = (height + QUIET * 2) * SCALE;
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (!matrix[y]?.[x]) continue;
      for (let dy = 0; dy < SCALE; dy += 1) {
        for (let dx = 0; dx < SCALE; dx += 1) {
          const offset = (((y + QUIET) * SCALE + dy) * w + (x + QUIET) * SCALE + dx) * 4;
          data[offset] = 0;
          data[offset + 1] = 0;
          data[offset + 2] = 0;
        }
      }
    }
  }
  return decodeRgba(data, w, h);
}

/** Reads the QR code in a PNG image (BuilderBot writes its pairing QR as `bot.qr.png`), once its header says it is small. */
export function decodePng(png: Uint8Array): string | undefined {
  if (!isDecodableQrPng(png)) return undefined;
  try {
    const image = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    return decodeRgba(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  } catch {
    return undefined;
  }
}

function decodeRgba(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR(data, width, height, { inversionAttempts: 'attemptBoth' })?.data || undefined;
}
