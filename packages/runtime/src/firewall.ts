import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { BRIDGE_PREFIX } from './docker-spec.js';

const run = promisify(execFile);

/** Address ranges a bot must never reach: private networks, link-local (cloud metadata), CGNAT, loopback. */
export const BLOCKED_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10', '127.0.0.0/8'] as const;

export type IptablesRule = {
  /** iptables (IPv4) or ip6tables (IPv6). */
  readonly family: 'ipv4' | 'ipv6';
  readonly table: 'filter';
  readonly chain: string;
  readonly spec: readonly string[];
};

/**
 * iptables rules for every Zapdeploy bridge (zd+): no packet to the host itself (INPUT: its services,
 * whatever address they listen on) and no forwarded packet to private, link-local or the host's own
 * subnets. Internet egress stays open. IPv6: bot networks get no IPv6 addresses; should one ever carry
 * IPv6 all the same, nothing from a Zapdeploy bridge reaches the host or is forwarded.
 */
export function isolationRules(hostSubnets: readonly string[], nameservers: readonly string[] = []): IptablesRule[] {
  const iface = `${BRIDGE_PREFIX}+`;
  const destinations = [...new Set([...BLOCKED_RANGES, ...hostSubnets])];
  // The resolvers the host uses may sit on a private address: bots may ask them DNS questions, nothing else.
  const dns = nameservers
    .filter((ip) => !ip.startsWith('127.') && ip.includes('.'))
    .flatMap((ip) =>
      (['udp', 'tcp'] as const).map((protocol) => ({
        family: 'ipv4' as const,
        table: 'filter' as const,
        chain: 'DOCKER-USER',
        spec: ['-i', iface, '-d', `${ip}/32`, '-p', protocol, '--dport', '53', '-j', 'ACCEPT'],
      })),
    );
  return [
    { family: 'ipv4', table: 'filter', chain: 'INPUT', spec: ['-i', iface, '-j', 'DROP'] },
    ...dns,
    ...destinations.map((cidr) => ({ family: 'ipv4' as const, table: 'filter' as const, chain: 'DOCKER-USER', spec: ['-i', iface, '-d', cidr, '-j', 'DROP'] })),
    { family: 'ipv6', table: 'filter', chain: 'INPUT', spec: ['-i', iface, '-j', 'DROP'] },
    { family: 'ipv6', table: 'filter', chain: 'FORWARD', spec: ['-i', iface, '-j', 'DROP'] },
  ];
}

/** IPv4 nameservers of /etc/resolv.conf (what Docker's embedded DNS forwards to). */
export function hostNameservers(resolvConf: string): string[] {
  return resolvConf
    .split('\n')
    .map((line) => /^\s*nameserver\s+(\S+)/.exec(line)?.[1])
    .filter((ip): ip is string => Boolean(ip));
}

/** IPv4 subnets of this host's interfaces (e.g. 192.0.2.0/24), in CIDR form. */
export function hostSubnets(): string[] {
  const subnets: string[] = [];
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal && address.cidr) subnets.push(networkOf(address.cidr));
    }
  }
  return subnets;
}

function networkOf(cidr: string): string {
  const [ip = '0.0.0.0', bits = '32'] = cidr.split('/');
  const prefix = Number(bits);
  const value = ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const network = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.')}/${prefix}`;
}

const binary = (rule: IptablesRule) => (rule.family === 'ipv6' ? 'ip6tables' : 'iptables');

/** Whether this host filters IPv6 at all (ip6tables present and the kernel has IPv6); without it there is no IPv6 to guard. */
export async function ipv6Filtering(): Promise<boolean> {
  try {
    await run('ip6tables', ['-w', '-t', 'filter', '-L', 'INPUT', '-n']);
    return true;
  } catch {
    return false;
  }
}

/** Inserts each rule unless present (idempotent; safe with several workers). */
export async function applyIsolationRules(rules: readonly IptablesRule[]): Promise<void> {
  for (const rule of [...rules].reverse()) {
    try {
      await run(binary(rule), ['-w', '-t', rule.table, '-C', rule.chain, ...rule.spec]);
    } catch {
      await run(binary(rule), ['-w', '-t', rule.table, '-I', rule.chain, '1', ...rule.spec]);
    }
  }
}

export async function isolationRulesPresent(rules: readonly IptablesRule[]): Promise<boolean> {
  for (const rule of rules) {
    try {
      await run(binary(rule), ['-w', '-t', rule.table, '-C', rule.chain, ...rule.spec]);
    } catch {
      return false;
    }
  }
  return true;
}
