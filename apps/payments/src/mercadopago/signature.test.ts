import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyMercadoPagoSignature } from './signature.js';

const secret = 'panel-secret-0123456789';
const nowMs = 1_704_908_010_000;
const sign = (manifest: string, key = secret) => createHmac('sha256', key).update(manifest).digest('hex');
const check = (xSignature: string | undefined, dataId = '123456', xRequestId: string | null = 'req-1') =>
  verifyMercadoPagoSignature({ xSignature, xRequestId: xRequestId ?? undefined, dataId, secret, toleranceSeconds: 300, nowMs });

describe('verifyMercadoPagoSignature', () => {
  it('accepts the documented manifest id:…;request-id:…;ts:…;', () => {
    expect(check(`ts=1704908010,v1=${sign('id:123456;request-id:req-1;ts:1704908010;')}`)).toEqual({ ok: true });
  });

  it('leaves out parts without a value', () => {
    expect(check(`ts=1704908010,v1=${sign('id:123456;ts:1704908010;')}`, '123456', null)).toEqual({ ok: true });
  });

  it('accepts hex ids signed in their original case or lowercased', () => {
    const id = 'ABCDEF0123';
    expect(check(`ts=1704908010,v1=${sign(`id:${id};request-id:req-1;ts:1704908010;`)}`, id)).toEqual({ ok: true });
    expect(check(`ts=1704908010,v1=${sign(`id:${id.toLowerCase()};request-id:req-1;ts:1704908010;`)}`, id)).toEqual({ ok: true });
  });

  it('refuses a wrong key, another id, a stale timestamp, and garbage', () => {
    expect(check(`ts=1704908010,v1=${sign('id:123456;request-id:req-1;ts:1704908010;', 'other')}`)).toEqual({ ok: false, reason: 'mismatch' });
    expect(check(`ts=1704908010,v1=${sign('id:999;request-id:req-1;ts:1704908010;')}`)).toEqual({ ok: false, reason: 'mismatch' });
    expect(check(`ts=1704900000,v1=${sign('id:123456;request-id:req-1;ts:1704900000;')}`)).toEqual({ ok: false, reason: 'stale' });
    expect(check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(check('ts=abc,v1=zz')).toEqual({ ok: false, reason: 'malformed' });
  });
});
