import type {
  V1ConfigMap,
  V1LimitRange,
  V1Namespace,
  V1NetworkPolicy,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ResourceQuota,
  V1Secret,
  V1StatefulSet,
} from '@kubernetes/client-node';
import { BLOCKED_RANGES } from '../firewall.js';
import type { InstanceSpec, ResourceLimits } from '../runtime.js';

/** Kubernetes objects of one tenant (user) and of each of its instances: pure functions of what the platform wants. */

export const K8S_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  instance: 'zapdeploy.io/instance',
  tenant: 'zapdeploy.io/tenant',
  role: 'zapdeploy.io/role',
} as const;
export const K8S_ANNOTATIONS = { deployment: 'zapdeploy.io/deployment', revision: 'zapdeploy.io/revision' } as const;
export const MANAGER = 'zapdeploy';
export const BOT_CONTAINER = 'bot';
export const BOT_UID = 1000;
export const DATA_DIR = '/data';
export const CA_DIR = '/etc/zapdeploy';
export const CA_CONFIG_MAP = 'zd-ca';

/** Ids such as `ins_8f3k…` as DNS labels (`ins-8f3k…`): lowercase, `-` for anything else. */
function dnsLabel(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

export const k8sNames = {
  namespace: (tenantId: string) => `zd-${dnsLabel(tenantId)}`.slice(0, 63),
  statefulSet: (instanceId: string) => `zd-${dnsLabel(instanceId)}`.slice(0, 52),
  pod: (instanceId: string) => `${k8sNames.statefulSet(instanceId)}-0`,
  claim: (instanceId: string) => `zd-data-${dnsLabel(instanceId)}`.slice(0, 63),
  secret: (instanceId: string) => `zd-env-${dnsLabel(instanceId)}`.slice(0, 63),
  helper: (instanceId: string) => `zd-helper-${dnsLabel(instanceId)}`.slice(0, 63),
};

export type KubernetesSettings = {
  /** Storage class of the instances' data claims; null for the cluster's default. */
  readonly storageClass: string | null;
  /** ReadWriteOncePod where the storage class allows it (CSI), else ReadWriteOnce. */
  readonly accessMode: 'ReadWriteOncePod' | 'ReadWriteOnce';
  /** Time a bot gets to save its session on stop before it is killed. */
  readonly terminationGraceSeconds: number;
  /** A CA bundle bots trust (mounted read-only, NODE_EXTRA_CA_CERTS), or null. */
  readonly caBundle: string | null;
};

const instanceLabels = (instanceId: string) => ({ [K8S_LABELS.managedBy]: MANAGER, [K8S_LABELS.instance]: instanceId });

export function quantity(limits: Pick<ResourceLimits, 'cpuMillis' | 'memoryMb'>): { cpu: string; memory: string } {
  return { cpu: `${limits.cpuMillis}m`, memory: `${limits.memoryMb}Mi` };
}

/** The tenant's namespace: Pod Security `restricted` enforced, warned and audited. */
export function tenantNamespace(tenantId: string): V1Namespace {
  const labels: Record<string, string> = { [K8S_LABELS.managedBy]: MANAGER, [K8S_LABELS.tenant]: tenantId };
  for (const mode of ['enforce', 'warn', 'audit']) {
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
    labels[`pod-security.kubernetes.io/${mode}-version`] = 'latest';
  }
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: k8sNames.namespace(tenantId), labels } };
}

/**
 * Default deny: no ingress; egress only DNS and the public internet (never private ranges, link-local with the
 * metadata address, CGNAT, loopback; pod and service CIDRs sit in those ranges on every common install, and
 * `extraBlocked` adds the cluster's own when they do not).
 */
export function tenantNetworkPolicy(tenantId: string, extraBlocked: readonly string[] = []): V1NetworkPolicy {
  const blocked4 = [...new Set([...BLOCKED_RANGES, ...extraBlocked.filter((cidr) => !cidr.includes(':'))])];
  const blocked6 = ['fc00::/7', 'fe80::/10', '::1/128', ...extraBlocked.filter((cidr) => cidr.includes(':'))];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'zd-default', namespace: k8sNames.namespace(tenantId), labels: { [K8S_LABELS.managedBy]: MANAGER } },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        {
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: blocked4 } }, { ipBlock: { cidr: '::/0', except: blocked6 } }] },
      ],
    },
  };
}

/** The most the tenant's pods may take together (the sum of its instances' plans, plus one helper pod). */
export function tenantQuota(tenantId: string, total: { memoryMb: number; cpuMillis: number; instances: number }): V1ResourceQuota {
  const helper = { memoryMb: 128, cpuMillis: 250 };
  const hard = quantity({ memoryMb: total.memoryMb + helper.memoryMb, cpuMillis: total.cpuMillis + helper.cpuMillis });
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'zd-quota', namespace: k8sNames.namespace(tenantId), labels: { [K8S_LABELS.managedBy]: MANAGER } },
    spec: {
      hard: {
        'limits.memory': hard.memory,
        'limits.cpu': hard.cpu,
        'requests.memory': hard.memory,
        'requests.cpu': hard.cpu,
        pods: String(total.instances + 1),
        persistentvolumeclaims: String(Math.max(total.instances, 1)),
        services: '0',
        'services.loadbalancers': '0',
        'services.nodeports': '0',
      },
    },
  };
}

/** Requests and limits for any container that names none (the quota needs every pod to have both). */
export function tenantLimitRange(tenantId: string): V1LimitRange {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'zd-limits', namespace: k8sNames.namespace(tenantId), labels: { [K8S_LABELS.managedBy]: MANAGER } },
    spec: { limits: [{ type: 'Container', _default: { cpu: '250m', memory: '128Mi' }, defaultRequest: { cpu: '250m', memory: '128Mi' } }] },
  };
}

export function tenantCaConfigMap(tenantId: string, caBundle: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CA_CONFIG_MAP, namespace: k8sNames.namespace(tenantId), labels: { [K8S_LABELS.managedBy]: MANAGER } },
    data: { 'ca.crt': caBundle },
  };
}

export function instanceClaim(tenantId: string, instanceId: string, diskMb: number, settings: KubernetesSettings): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: k8sNames.claim(instanceId), namespace: k8sNames.namespace(tenantId), labels: instanceLabels(instanceId) },
    spec: {
      accessModes: [settings.accessMode],
      resources: { requests: { storage: `${diskMb}Mi` } },
      ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
    },
  };
}

export function instanceSecret(tenantId: string, spec: InstanceSpec): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: k8sNames.secret(spec.instanceId), namespace: k8sNames.namespace(tenantId), labels: instanceLabels(spec.instanceId) },
    type: 'Opaque',
    // `data`, not `stringData`: server-side apply then removes a variable the owner deleted.
    data: Object.fromEntries(Object.entries(spec.env).map(([key, value]) => [key, Buffer.from(value, 'utf8').toString('base64')])),
  };
}

const restrictedContainer = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, privileged: false };
const restrictedPod = {
  runAsNonRoot: true,
  runAsUser: BOT_UID,
  runAsGroup: BOT_UID,
  fsGroup: BOT_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * The instance: a StatefulSet of at most one pod (its pod name is fixed, so a second copy cannot exist while the
 * first is terminating), updated only when the platform deletes the pod (OnDelete: stop-then-start, in order),
 * the plan's limits as requests and limits, the data claim at /data, no service-account token.
 */
export function instanceStatefulSet(tenantId: string, spec: InstanceSpec, settings: KubernetesSettings, replicas: 0 | 1): V1StatefulSet {
  const resources = quantity(spec.limits);
  const annotations = { [K8S_ANNOTATIONS.deployment]: spec.deploymentId, [K8S_ANNOTATIONS.revision]: spec.revision };
  const labels = instanceLabels(spec.instanceId);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: k8sNames.statefulSet(spec.instanceId), namespace: k8sNames.namespace(tenantId), labels, annotations },
    spec: {
      replicas,
      serviceName: k8sNames.statefulSet(spec.instanceId),
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'OnDelete' },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: settings.terminationGraceSeconds,
          securityContext: restrictedPod,
          containers: [
            {
              name: BOT_CONTAINER,
              image: spec.artifact,
              imagePullPolicy: 'IfNotPresent',
              envFrom: [{ secretRef: { name: k8sNames.secret(spec.instanceId) } }],
              env: settings.caBundle ? [{ name: 'NODE_EXTRA_CA_CERTS', value: `${CA_DIR}/ca.crt` }] : [],
              resources: { requests: resources, limits: resources },
              securityContext: restrictedContainer,
              volumeMounts: [{ name: 'data', mountPath: DATA_DIR }, ...(settings.caBundle ? [{ name: 'ca', mountPath: CA_DIR, readOnly: true }] : [])],
            },
          ],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: k8sNames.claim(spec.instanceId) } },
            ...(settings.caBundle ? [{ name: 'ca', configMap: { name: CA_CONFIG_MAP } }] : []),
          ],
        },
      },
    },
  };
}

/** A short-lived pod that mounts an instance's data claim to read or write its session folders (the bot is stopped). */
export function volumeHelperPod(tenantId: string, instanceId: string, image: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: k8sNames.helper(instanceId),
      namespace: k8sNames.namespace(tenantId),
      labels: { [K8S_LABELS.managedBy]: MANAGER, [K8S_LABELS.role]: 'volume-helper', 'zapdeploy.io/helper-of': instanceId },
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 1,
      activeDeadlineSeconds: 600,
      securityContext: restrictedPod,
      containers: [
        {
          name: 'helper',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', '600'],
          resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
          securityContext: restrictedContainer,
          volumeMounts: [{ name: 'data', mountPath: DATA_DIR }],
        },
      ],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: k8sNames.claim(instanceId) } }],
    },
  };
}
