/** The largest QR image read: BuilderBot's is a few hundred pixels a side. */
export const QR_PNG_LIMITS = { maxSide: 2048, maxPixels: 2048 * 2048 } as const;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The size a PNG declares in its header (signature, then the IHDR chunk), read before anything decodes
 * it: a small file can declare a huge image, and decoding allocates what it declares.
 */
export function pngSize(png: Uint8Array): { readonly width: number; readonly height: number } | undefined {
  if (png.length < 24 || SIGNATURE.some((byte, index) => png[index] !== byte)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (view.getUint32(8) !== 13 || String.fromCharCode(png[12] ?? 0, png[13] ?? 0, png[14] ?? 0, png[15] ?? 0) !== 'IHDR') return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** True when the PNG is one this platform decodes: a valid header within QR_PNG_LIMITS. */
export function isDecodableQrPng(png: Uint8Array): boolean {
  const size = pngSize(png);
  return (
    size !== undefined &&
    size.width > 0 &&
    size.height > 0 &&
    size.width <= QR_PNG_LIMITS.maxSide &&
    size.height <= QR_PNG_LIMITS.maxSide &&
    size.width * size.height <= QR_PNG_LIMITS.maxPixels
  );
}
