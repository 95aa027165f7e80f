import { describe, expect, it } from 'vitest';
import { BRIDGE_PREFIX, containerCreateOptions, names, networkCreateOptions } from './docker-spec.js';

const spec = {
  instanceId: 'ins_abc',
  deploymentId: 'dep_1',
  artifact: 'zapdeploy/ins_abc:dep_1',
  env: { API_KEY: 'x' },
  limits: { cpuMillis: 250, memoryMb: 256, diskMb: 1024 },
  revision: 'r1',
};

describe(containerCreateOptions.name, () => {
  it('runs non-root with no capabilities, no new privileges, plan limits without swap, and a pids limit', () => {
    const options = containerCreateOptions(spec, { pidsLimit: 256, maxRestarts: 5 });
    expect(options.User).toBe('1000:1000');
    expect(options.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      Privileged: false,
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      NanoCpus: 250_000_000,
      PidsLimit: 256,
      NetworkMode: 'zd-net-ins_abc',
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
    });
    expect(options.Labels).toMatchObject({ 'zapdeploy.instance': 'ins_abc', 'zapdeploy.deployment': 'dep_1' });
  });

  it('mounts only the instance volume on /data, never the Docker socket', () => {
    const options = containerCreateOptions(spec, { pidsLimit: 256, maxRestarts: 5 });
    expect(options.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'zd-data-ins_abc', Target: '/data' }]);
    expect(JSON.stringify(options)).not.toContain('docker.sock');
    expect(options.HostConfig?.Binds).toBeUndefined();
  });

  it('gives the VOLUMEs an image declares labelled volumes of the instance (never unlabelled ones), /data left as it is', () => {
    const options = containerCreateOptions(spec, { pidsLimit: 256, maxRestarts: 5 }, { '/data': {}, '/var/cache/bot': {} });
    expect(options.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'zd-data-ins_abc', Target: '/data' },
      {
        Type: 'volume',
        Source: '',
        Target: '/var/cache/bot',
        VolumeOptions: {
          NoCopy: false,
          Labels: { 'zapdeploy.managed': 'true', 'zapdeploy.instance': 'ins_abc' },
          DriverConfig: { Name: 'local', Options: {} },
        },
      },
    ]);
  });

  it('trusts an extra CA bundle read-only when configured', () => {
    const options = containerCreateOptions(spec, { pidsLimit: 256, maxRestarts: 5, caFile: '/etc/ssl/corp.pem' });
    expect(options.Env).toContain('NODE_EXTRA_CA_CERTS=/etc/zapdeploy/ca.crt');
    expect(options.HostConfig?.Mounts).toContainEqual({ Type: 'bind', Source: '/etc/ssl/corp.pem', Target: '/etc/zapdeploy/ca.crt', ReadOnly: true });
  });
});

describe(networkCreateOptions.name, () => {
  it('names the bridge zd… within Linux’s 15 characters and isolates containers from each other', () => {
    const options = networkCreateOptions(`ins_${'x'.repeat(40)}`);
    const bridge = options.Options?.['com.docker.network.bridge.name'] ?? '';
    expect(bridge.startsWith(BRIDGE_PREFIX)).toBe(true);
    expect(bridge.length).toBeLessThanOrEqual(15);
    expect(options.Options?.['com.docker.network.bridge.enable_icc']).toBe('false');
    expect(names.bridge('a')).not.toBe(names.bridge('b'));
  });
});
