import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { SourceError } from './errors.js';

/** True for loopback, private, link-local, CGNAT, unspecified and other non-public addresses (v4 and v6). */
export function isPrivateAddress(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:')) return isPrivateAddress(lower.slice(7));
  return (
    lower === '::' ||
    lower === '::1' ||
    lower.startsWith('fc') ||
    lower.startsWith('fd') ||
    lower.startsWith('fe8') ||
    lower.startsWith('fe9') ||
    lower.startsWith('fea') ||
    lower.startsWith('feb')
  );
}

/** Refuses git hosts that resolve to this machine or a private network (SSRF), unless allowed. */
export async function assertPublicGitHost(repoUrl: string, allowPrivate: boolean): Promise<void> {
  const url = new URL(repoUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SourceError('repo_url_invalid', 'Use an http(s) URL such as https://github.com/user/bot.');
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    throw new SourceError('repo_host_unknown', `The host ${host} could not be found. Check the repository URL.`);
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    throw new SourceError('repo_host_not_allowed', `The host ${host} is on a private network; Zapdeploy only clones from public hosts.`);
  }
}
