import { describe, expect, it } from 'vitest';
import { isTrustedRequestOrigin } from './origin-check.js';

const trusted = ['https://app.zapdeploy.com.br'];

describe(isTrustedRequestOrigin.name, () => {
  it('accepts our origin, from Origin or Referer', () => {
    expect(isTrustedRequestOrigin({ origin: 'https://app.zapdeploy.com.br' }, trusted)).toBe(true);
    expect(isTrustedRequestOrigin({ referer: 'https://app.zapdeploy.com.br/instances' }, trusted)).toBe(true);
  });
  it('refuses another origin, a null origin, or no origin at all', () => {
    expect(isTrustedRequestOrigin({ origin: 'https://evil.example' }, trusted)).toBe(false);
    expect(isTrustedRequestOrigin({ origin: 'null' }, trusted)).toBe(false);
    expect(isTrustedRequestOrigin({}, trusted)).toBe(false);
  });
  it('accepts a same-origin fetch metadata header when Origin is absent', () => {
    expect(isTrustedRequestOrigin({ 'sec-fetch-site': 'same-origin' }, trusted)).toBe(true);
  });
});
