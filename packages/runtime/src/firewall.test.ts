import { describe, expect, it } from 'vitest';
import { hostNameservers, isolationRules } from './firewall.js';

describe(isolationRules.name, () => {
  it('drops everything from Zapdeploy bridges to the host, and forwarded traffic to private ranges and host subnets', () => {
    const rules = isolationRules(['192.0.2.0/24']);
    expect(rules[0]).toEqual({ family: 'ipv4', table: 'filter', chain: 'INPUT', spec: ['-i', 'zd+', '-j', 'DROP'] });
    const forwarded = rules.filter((r) => r.chain === 'DOCKER-USER').map((r) => r.spec[3]);
    expect(forwarded).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '192.0.2.0/24']));
  });

  it('cuts IPv6 off entirely: nothing from a bot bridge to the host or forwarded', () => {
    const ipv6 = isolationRules([]).filter((r) => r.family === 'ipv6');
    expect(ipv6).toEqual([
      { family: 'ipv6', table: 'filter', chain: 'INPUT', spec: ['-i', 'zd+', '-j', 'DROP'] },
      { family: 'ipv6', table: 'filter', chain: 'FORWARD', spec: ['-i', 'zd+', '-j', 'DROP'] },
    ]);
  });
});

describe(hostNameservers.name, () => {
  it('reads nameservers and lets bots ask them DNS questions only, before the drops', () => {
    const servers = hostNameservers('# c\nnameserver 10.255.255.53\nnameserver 127.0.0.53\noptions edns0\n');
    expect(servers).toEqual(['10.255.255.53', '127.0.0.53']);
    const rules = isolationRules([], servers).filter((r) => r.chain === 'DOCKER-USER');
    expect(rules[0]?.spec).toEqual(['-i', 'zd+', '-d', '10.255.255.53/32', '-p', 'udp', '--dport', '53', '-j', 'ACCEPT']);
    expect(rules[1]?.spec).toContain('tcp');
    expect(rules.some((r) => r.spec.includes('127.0.0.53/32'))).toBe(false);
    expect(rules.findIndex((r) => r.spec.includes('10.0.0.0/8'))).toBeGreaterThan(1);
  });
});
