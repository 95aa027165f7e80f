import { ClusterProbeError } from '@zapdeploy/domain';
import { describe, expect, it } from 'vitest';
import { cpuMillis, kubeConfigFromText, memoryMb, nodesCapacity, parseDockerEndpoint } from './cluster-probe.js';

function failure(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof ClusterProbeError ? [error.reason, error.field].filter(Boolean).join(':') : 'not a ClusterProbeError';
  }
}

describe('quantities', () => {
  it.each<[string | undefined, number]>([
    ['16328060Ki', 15945],
    ['2Gi', 2048],
    ['512Mi', 512],
    ['1073741824', 1024],
    ['1000M', 953],
    [undefined, 0],
  ])('memory %s → %i MiB', (quantity, expected) => {
    expect(memoryMb(quantity)).toBe(expected);
  });
  it.each<[string, number]>([
    ['4', 4000],
    ['3900m', 3900],
    ['250m', 250],
    ['0.5', 500],
  ])('cpu %s → %i millis', (quantity, expected) => {
    expect(cpuMillis(quantity)).toBe(expected);
  });
  it('refuses a quantity it cannot read', () => {
    expect(failure(() => memoryMb('12Qx'))).toBe('unexpected_answer');
  });
});

describe(nodesCapacity.name, () => {
  const node = (memory: string, cpu: string, ready: boolean, unschedulable = false) => ({
    spec: { unschedulable },
    status: {
      capacity: { memory, cpu },
      allocatable: { memory: memoryMb(memory) > 1024 ? `${memoryMb(memory) - 512}Mi` : memory, cpu: '1900m' },
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  });
  it('sums capacity of every node and allocatable of the ready, schedulable ones', () => {
    expect(nodesCapacity([node('4Gi', '2', true), node('8Gi', '4', true), node('8Gi', '4', false), node('2Gi', '2', true, true)])).toEqual({
      capacityMemoryMb: 22528,
      capacityCpuMillis: 12000,
      allocatableMemoryMb: 3584 + 7680,
      allocatableCpuMillis: 3800,
      nodes: 4,
    });
  });
});

describe(parseDockerEndpoint.name, () => {
  it.each<[string, unknown, string]>([
    ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }, '/var/run/docker.sock'],
    ['/run/user/1000/docker.sock', { socketPath: '/run/user/1000/docker.sock' }, '/run/user/1000/docker.sock'],
    ['tcp://10.0.0.5:2375', { host: '10.0.0.5', port: 2375, protocol: 'http' }, '10.0.0.5:2375'],
    ['https://docker.example.com', { host: 'docker.example.com', port: 2376, protocol: 'https' }, 'docker.example.com:2376'],
  ])('%s', (text, options, display) => {
    expect(parseDockerEndpoint(text)).toEqual({ options, display });
  });
  it.each(['', 'docker.sock', 'ftp://x', 'tcp://user:secret@host:2375', 'unix://host/x.sock', 'tcp://h:1/path', 'https://h?x=1'])('refuses %j', (text) => {
    expect(failure(() => parseDockerEndpoint(text))).toBe('invalid_endpoint');
  });
});

const kubeconfig = (user: string, cluster = 'server: https://127.0.0.1:6443\n    certificate-authority-data: Zm9v') => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    ${cluster}
users:
- name: u
  user:
    ${user}
contexts:
- name: ctx
  context: { cluster: c, user: u }
current-context: ctx
`;

describe(kubeConfigFromText.name, () => {
  it('takes inline credentials', () => {
    expect(kubeConfigFromText(kubeconfig('token: abc')).server).toBe('127.0.0.1:6443');
  });
  it.each<[string, string]>([
    ['exec: { command: /bin/sh, args: [-c, "touch /tmp/pwned"], apiVersion: client.authentication.k8s.io/v1 }', 'kubeconfig_not_allowed:user.exec'],
    ['auth-provider: { name: gcp }', 'kubeconfig_not_allowed:user.auth-provider'],
    ['token-file: /etc/shadow', 'kubeconfig_not_allowed:user.token-file'],
    ['client-certificate: /etc/ssl/private/key.pem', 'kubeconfig_not_allowed:user.client-certificate'],
    ['client-key: /root/.ssh/id_rsa', 'kubeconfig_not_allowed:user.client-key'],
  ])('refuses %s', (user, expected) => {
    expect(failure(() => kubeConfigFromText(kubeconfig(user)))).toBe(expected);
  });
  it('refuses a CA read from a file of this machine', () => {
    expect(failure(() => kubeConfigFromText(kubeconfig('token: abc', 'server: https://k:6443\n    certificate-authority: /etc/passwd')))).toBe(
      'kubeconfig_not_allowed:cluster.certificate-authority',
    );
  });
  it.each([
    '',
    'not: [yaml',
    '- a list',
    kubeconfig('token: abc', 'server: ftp://k'),
    kubeconfig('token: abc').replace('current-context: ctx', 'current-context: nope'),
  ])('refuses what is not a usable kubeconfig (%#)', (text) => {
    expect(failure(() => kubeConfigFromText(text))).toBe('invalid_kubeconfig');
  });
});
