import { lookup } from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { SourceError } from './errors.js';

/**
 * Which non-public git hosts may be cloned from: none (a public install), all (a laptop, the tests), or a list
 * of `host` / `host:port` entries (an internal git server; `[::1]:8080` for IPv6 literals).
 */
export type PrivateGitHosts = boolean | readonly string[];

/** The IPv6 prefix NAT64 gateways translate to IPv4 (RFC 6052's well-known prefix, 64:ff9b::/96). */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** IPv4-compatible IPv6 (::a.b.c.d, deprecated): ipaddr.js calls it unicast, but it embeds an IPv4 address. */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * True only for globally routable unicast addresses. Everything else is refused: loopback, RFC 1918, CGNAT,
 * link-local, unique-local, multicast, broadcast, documentation, benchmarking, reserved, 6to4 and Teredo
 * (they tunnel to addresses we cannot see), IPv4-compatible IPv6; IPv4-mapped (::ffff:a.b.c.d) and NAT64
 * (64:ff9b::a.b.c.d) addresses are judged by the IPv4 address they carry. Unparseable input is not public.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address); // ::ffff:a.b.c.d becomes a.b.c.d
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  if (v6.match(NAT64_WELL_KNOWN)) return isPublicAddress(ipaddr.fromByteArray(v6.toByteArray().slice(12)).toString());
  if (v6.match(IPV4_COMPATIBLE)) return false;
  return v6.range() === 'unicast';
}

/** True for any address that is not globally routable unicast (see `isPublicAddress`). */
export function isPrivateAddress(address: string): boolean {
  return !isPublicAddress(address);
}

/** A git URL checked against the SSRF policy, with the addresses to connect to (pinned: never resolved again). */
export type GuardedHost = {
  readonly url: URL;
  /** Host as curl sees it in the URL (IPv6 literals in brackets), and the port. */
  readonly host: string;
  readonly port: number;
  /** The addresses checked; empty when the host is an IP literal (nothing to resolve). */
  readonly addresses: readonly string[];
};

export type Resolver = (host: string) => Promise<readonly string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks one URL (the repository's, or a redirect's target): https only, or http to an allowed private host;
 * every address the name resolves to must be public unless the host is allowed. Returns the checked addresses,
 * which the caller must connect to instead of resolving the name again (DNS rebinding).
 */
export async function guardGitHost(raw: string | URL, privateHosts: PrivateGitHosts, resolve: Resolver = systemResolver): Promise<GuardedHost> {
  let url: URL;
  try {
    url = new URL(raw); // WHATWG parsing: 0x7f.1, 2130706433 and 127.1 all become 127.0.0.1
  } catch {
    throw invalidUrl();
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname;
  const allowed = privateHosts === true || (Array.isArray(privateHosts) && (privateHosts.includes(host) || privateHosts.includes(`${host}:${port}`)));
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidUrl();
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: readonly string[] = [];
  if (net.isIP(bare)) {
    if (!allowed && !isPublicAddress(bare)) throw notAllowed(host);
  } else {
    try {
      addresses = await resolve(bare);
    } catch {
      addresses = [];
    }
    if (addresses.length === 0) throw new SourceError('repo_host_unknown', `The host ${host} could not be found. Check the repository URL.`);
    if (!allowed && !addresses.every(isPublicAddress)) throw notAllowed(host);
  }
  // Plain http only to an allowed private host (a local git server, the tests): public hosts speak https.
  if (url.protocol === 'http:' && !allowed) throw invalidUrl();
  return { url, host, port, addresses };
}

/** Refuses git hosts that resolve to this machine or a private network (SSRF), unless allowed. */
export async function assertPublicGitHost(repoUrl: string, privateHosts: PrivateGitHosts): Promise<void> {
  await guardGitHost(repoUrl, privateHosts);
}

function invalidUrl(): SourceError {
  return new SourceError('repo_url_invalid', 'Use an https URL such as https://github.com/user/bot.');
}

function notAllowed(host: string): SourceError {
  return new SourceError('repo_host_not_allowed', `The host ${host} is on a private network; Zapdeploy only clones from public hosts.`);
}
