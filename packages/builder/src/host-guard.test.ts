import { describe, expect, it } from 'vitest';
import { assertPublicGitHost, guardGitHost, isPrivateAddress, isPublicAddress } from './host-guard.js';

describe(isPrivateAddress.name, () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1'])(
    '%s is private',
    (address) => {
      expect(isPrivateAddress(address)).toBe(true);
    },
  );
  it.each(['140.82.112.3', '8.8.8.8', '2606:4700::1111'])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe(isPublicAddress.name, () => {
  it.each([
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form (what the URL parser makes of [::ffff:127.0.0.1])'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped cloud metadata'],
    ['::ffff:10.0.0.1', 'IPv4-mapped RFC 1918'],
    ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped, uncompressed'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata service'],
    ['64:ff9b::c0a8:101', 'NAT64 of 192.168.1.1'],
    ['64:ff9b:1::a00:1', 'local-use NAT64 (RFC 8215)'],
    ['2002:7f00:1::', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['::7f00:1', 'IPv4-compatible IPv6'],
    ['::ffff:0:7f00:1', 'IPv4-translated (RFC 6145)'],
    ['::', 'unspecified v6'],
    ['::1', 'loopback v6'],
    ['fe80::1', 'link-local v6'],
    ['fec0::1', 'site-local v6 (deprecated)'],
    ['fc00::1', 'unique local'],
    ['ff02::1', 'multicast v6'],
    ['2001:db8::1', 'documentation v6'],
    ['100::1', 'discard prefix'],
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['127.255.255.254', 'loopback'],
    ['10.255.0.1', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918'],
    ['192.168.0.1', 'RFC 1918'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.127.0.1', 'CGNAT'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['not-an-address', 'garbage'],
  ])('%s is refused (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '140.82.112.3', '::ffff:8c52:7003', '64:ff9b::8c52:7003', '2606:4700::1111', '2a00:1450:4001::200e'])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe(guardGitHost.name, () => {
  const resolvesTo =
    (...addresses: string[]) =>
    async () =>
      addresses;

  it.each([
    'https://[::ffff:127.0.0.1]/repo.git',
    'https://[::ffff:7f00:1]/repo.git',
    'https://[0:0:0:0:0:ffff:127.0.0.1]/repo.git',
    'https://[64:ff9b::127.0.0.1]/repo.git',
    'https://[::127.0.0.1]/repo.git',
    'https://[fe80::1%25eth0]/repo.git',
    'https://0x7f.1/repo.git',
    'https://2130706433/repo.git',
    'https://127.1/repo.git',
    'https://0177.0.0.1/repo.git',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::]/repo.git',
    'https://0.0.0.0/repo.git',
  ])('refuses %s', async (url) => {
    await expect(guardGitHost(url, false, resolvesTo('8.8.8.8'))).rejects.toMatchObject({
      code: expect.stringMatching(/^repo_(host_not_allowed|url_invalid)$/),
    });
  });

  it('refuses a name when any of its addresses is private, and pins the ones it checked', async () => {
    await expect(guardGitHost('https://git.example.com/a.git', false, resolvesTo('140.82.112.3', '::ffff:10.0.0.1'))).rejects.toMatchObject({
      code: 'repo_host_not_allowed',
    });
    const guarded = await guardGitHost('https://git.example.com/a.git', false, resolvesTo('140.82.112.3', '2606:4700::1111'));
    expect(guarded).toMatchObject({ host: 'git.example.com', port: 443, addresses: ['140.82.112.3', '2606:4700::1111'] });
  });

  it('speaks https to public hosts; http only to allowed private ones', async () => {
    await expect(guardGitHost('http://git.example.com/a.git', false, resolvesTo('140.82.112.3'))).rejects.toMatchObject({ code: 'repo_url_invalid' });
    await expect(guardGitHost('git://git.example.com/a.git', true, resolvesTo('140.82.112.3'))).rejects.toMatchObject({ code: 'repo_url_invalid' });
    await expect(guardGitHost('ext::sh -c touch% /tmp/pwned', true)).rejects.toMatchObject({ code: 'repo_url_invalid' });
    await expect(guardGitHost('http://127.0.0.1:9/a.git', true)).resolves.toMatchObject({ host: '127.0.0.1', port: 9 });
  });

  it('allows only the listed private hosts (host or host:port)', async () => {
    const list = ['127.0.0.1:8080', 'gitea.internal'];
    await expect(guardGitHost('http://127.0.0.1:8080/a.git', list)).resolves.toMatchObject({ port: 8080 });
    await expect(guardGitHost('http://127.0.0.1:8081/a.git', list)).rejects.toMatchObject({ code: 'repo_host_not_allowed' });
    await expect(guardGitHost('http://[::ffff:127.0.0.1]:8080/a.git', list)).rejects.toMatchObject({ code: 'repo_host_not_allowed' });
    await expect(guardGitHost('http://gitea.internal:3000/a.git', list, resolvesTo('10.0.0.5'))).resolves.toMatchObject({ addresses: ['10.0.0.5'] });
    await expect(guardGitHost('http://other.internal/a.git', list, resolvesTo('10.0.0.5'))).rejects.toMatchObject({ code: 'repo_host_not_allowed' });
  });

  it('says when a name does not resolve', async () => {
    await expect(guardGitHost('https://nowhere.invalid/a.git', false, resolvesTo())).rejects.toMatchObject({ code: 'repo_host_unknown' });
  });
});

describe(assertPublicGitHost.name, () => {
  it('refuses loopback and private hosts unless allowed', async () => {
    await expect(assertPublicGitHost('http://127.0.0.1:8080/repo.git', false)).rejects.toMatchObject({ code: 'repo_host_not_allowed' });
    await expect(assertPublicGitHost('http://localhost/repo.git', false)).rejects.toMatchObject({ code: 'repo_host_not_allowed' });
    await expect(assertPublicGitHost('http://[::1]/repo.git', false)).rejects.toMatchObject({ code: 'repo_host_not_allowed' });
    await expect(assertPublicGitHost('http://127.0.0.1:8080/repo.git', true)).resolves.toBeUndefined();
  });
  it('refuses non-http protocols', async () => {
    await expect(assertPublicGitHost('file:///etc/passwd', true)).rejects.toMatchObject({ code: 'repo_url_invalid' });
  });
});
