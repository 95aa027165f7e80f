import { describe, expect, it } from 'vitest';
import { assertPublicGitHost, isPrivateAddress } from './host-guard.js';

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
