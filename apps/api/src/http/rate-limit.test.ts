import { describe, expect, it } from 'vitest';
import { clientKey, normalizePath } from './rate-limit.js';

describe(clientKey.name, () => {
  it('keys IPv4 by address, IPv4-mapped IPv6 as IPv4', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });
  it('keys IPv6 by its /64, however it is written', () => {
    expect(clientKey('2001:db8:1234:5678::1')).toBe('2001:db8:1234:5678::/64');
    expect(clientKey('2001:0db8:1234:5678:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1234:5678::/64');
    expect(clientKey('2001:DB8:1234:5678:ffff::2')).toBe('2001:db8:1234:5678::/64');
    expect(clientKey('2001:db8:1234:5679::1')).not.toBe(clientKey('2001:db8:1234:5678::1'));
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
  it('keeps anything else as it is', () => {
    expect(clientKey(undefined)).toBe('unknown');
    expect(clientKey('not-an-ip')).toBe('not-an-ip');
  });
});

describe(normalizePath.name, () => {
  it('matches paths the way routing does: any case, trailing or doubled slashes, escaped letters', () => {
    expect(normalizePath('/api/v1/GUEST')).toBe('/api/v1/guest');
    expect(normalizePath('/api/v1/guest/?x=1')).toBe('/api/v1/guest');
    expect(normalizePath('/api//v1/Guest//')).toBe('/api/v1/guest');
    expect(normalizePath('/api/v1/gu%65st')).toBe('/api/v1/guest');
    expect(normalizePath('/api/v1/%E0%A4%A')).toBe('/api/v1/%e0%a4%a');
  });
});
