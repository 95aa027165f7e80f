import { describe, expect, it } from 'vitest';
import type { InstanceSpec } from '../runtime.js';
import { instanceSecret, instanceStatefulSet, type KubernetesSettings, k8sNames, tenantNamespace, tenantNetworkPolicy, tenantQuota } from './manifests.js';
import { observationOf, parseQuantity } from './observation.js';

const settings: KubernetesSettings = { storageClass: null, accessMode: 'ReadWriteOnce', terminationGraceSeconds: 30, caBundle: null };
const spec: InstanceSpec = {
  instanceId: 'ins_abc123',
  deploymentId: 'dep_xyz',
  artifact: '127.0.0.1:5000/zapdeploy/ins_abc123:dep_xyz',
  env: { TOKEN: 'segredo' },
  limits: { cpuMillis: 500, memoryMb: 256, diskMb: 1024 },
  revision: 'r1',
};

describe('kubernetes manifests', () => {
  it('names objects as DNS labels', () => {
    expect(k8sNames.namespace('usr_Ab9')).toBe('zd-usr-ab9');
    expect(k8sNames.pod('ins_abc123')).toBe('zd-ins-abc123-0');
  });

  it('enforces, warns and audits Pod Security restricted on the tenant namespace', () => {
    const labels = tenantNamespace('usr_1').metadata?.labels ?? {};
    for (const mode of ['enforce', 'warn', 'audit']) expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
  });

  it('denies ingress and lets egress reach only DNS and public addresses', () => {
    const policy = tenantNetworkPolicy('usr_1', ['203.0.113.0/24']).spec;
    expect(policy?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy?.ingress).toEqual([]);
    const blocks = policy?.egress?.[1]?.to?.map((peer) => peer.ipBlock) ?? [];
    expect(blocks[0]?.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16', '127.0.0.0/8', '203.0.113.0/24']));
    expect(blocks[1]?.except).toEqual(expect.arrayContaining(['fc00::/7', 'fe80::/10']));
    expect(policy?.egress?.[0]?.to).toBeUndefined();
    expect(policy?.egress?.[0]?.ports?.map((port) => port.port)).toEqual([53, 53]);
  });

  it('caps the tenant at its plans plus one helper pod', () => {
    expect(tenantQuota('usr_1', { memoryMb: 512, cpuMillis: 1000, instances: 2 }).spec?.hard).toMatchObject({
      'limits.memory': '640Mi',
      'limits.cpu': '1250m',
      pods: '3',
    });
  });

  it('runs the bot as one restricted pod with the plan as requests and limits', () => {
    const set = instanceStatefulSet('usr_1', spec, settings, 1);
    expect(set.spec?.replicas).toBe(1);
    expect(set.spec?.updateStrategy?.type).toBe('OnDelete');
    const pod = set.spec?.template.spec;
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const container = pod?.containers[0];
    expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container?.resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(pod?.volumes?.[0]?.persistentVolumeClaim?.claimName).toBe('zd-data-ins-abc123');
    expect(set.spec?.template.metadata?.annotations).toEqual({ 'zapdeploy.io/deployment': 'dep_xyz', 'zapdeploy.io/revision': 'r1' });
  });

  it('keeps env values in a Secret, base64-encoded', () => {
    expect(instanceSecret('usr_1', spec).data).toEqual({ TOKEN: Buffer.from('segredo').toString('base64') });
  });
});

describe('kubernetes observation', () => {
  const set = instanceStatefulSet('usr_1', spec, settings, 1);
  const pod = (containerStatus: object) => ({ metadata: { name: 'zd-ins-abc123-0' }, status: { containerStatuses: [{ name: 'bot', ...containerStatus }] } });

  it('parses quantities', () => {
    expect(parseQuantity('256Mi', 'memoryMb')).toBe(256);
    expect(parseQuantity('1Gi', 'memoryMb')).toBe(1024);
    expect(parseQuantity('500m', 'cpuMillis')).toBe(500);
    expect(parseQuantity('2', 'cpuMillis')).toBe(2000);
    expect(parseQuantity('16384Ki', 'memoryMb')).toBe(16);
  });

  it('reports absent, starting, running, crash-looping and OOM-killed pods as Docker containers are', () => {
    expect(observationOf(null, null).exists).toBe(false);
    expect(observationOf(set, null)).toMatchObject({ exists: true, running: false, restarting: true, deploymentId: 'dep_xyz', revision: 'r1' });
    expect(observationOf(set, pod({ restartCount: 0, state: { running: { startedAt: new Date('2026-01-01T00:00:00Z') } } }) as never)).toMatchObject({
      running: true,
      startedAt: '2026-01-01T00:00:00.000Z',
      limits: { memoryMb: 256, cpuMillis: 500 },
    });
    const crashing = observationOf(
      set,
      pod({ restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 2 } } }) as never,
    );
    expect(crashing).toMatchObject({ running: false, restarting: true, exitCode: 2, restartCount: 3 });
    const oom = observationOf(
      set,
      pod({ restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }) as never,
    );
    expect(oom).toMatchObject({ oomKilled: true, exitCode: 137 });
    const paused = observationOf(instanceStatefulSet('usr_1', spec, settings, 0), null);
    expect(paused).toMatchObject({ exists: true, running: false, restarting: false, exitCode: null });
    const pull = observationOf(set, pod({ restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }) as never);
    expect(pull).toMatchObject({ running: false, restarting: false, error: 'ImagePullBackOff: not found' });
  });
});
