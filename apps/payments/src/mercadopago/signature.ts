import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Verifies a Mercado Pago webhook's `x-signature` (`ts=…,v1=…`): HMAC-SHA256 of the manifest
 * `id:<data.id>;request-id:<x-request-id>;ts:<ts>;` (parts without a value left out), keyed with the
 * panel's secret, compared in constant time; `ts` (seconds) must be within `toleranceSeconds` of now.
 * The id is tried as sent, then lowercased (Mercado Pago's docs and SDKs disagree on its case).
 */
export function verifyMercadoPagoSignature(input: {
  readonly xSignature: string | undefined;
  readonly xRequestId: string | undefined;
  readonly dataId: string | undefined;
  readonly secret: string;
  readonly toleranceSeconds: number;
  readonly nowMs: number;
}): SignatureCheck {
  if (!input.xSignature) return { ok: false, reason: 'missing' };
  const parts = new Map(
    input.xSignature.split(',').map((part) => {
      const [key, ...value] = part.split('=');
      return [key?.trim() ?? '', value.join('=').trim()] as const;
    }),
  );
  const ts = parts.get('ts');
  const v1 = parts.get('v1');
  if (!ts || !v1 || !/^\d+$/.test(ts) || !/^[0-9a-f]{64}$/i.test(v1)) return { ok: false, reason: 'malformed' };
  const tsMs = ts.length > 11 ? Number(ts) : Number(ts) * 1000;
  if (Math.abs(input.nowMs - tsMs) > input.toleranceSeconds * 1000) return { ok: false, reason: 'stale' };
  const given = Buffer.from(v1.toLowerCase(), 'hex');
  const ids = input.dataId ? [...new Set([input.dataId, input.dataId.toLowerCase()])] : [undefined];
  for (const id of ids) {
    const manifest = `${id ? `id:${id};` : ''}${input.xRequestId ? `request-id:${input.xRequestId};` : ''}ts:${ts};`;
    const expected = createHmac('sha256', input.secret).update(manifest).digest();
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}
