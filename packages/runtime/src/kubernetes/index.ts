import type Docker from 'dockerode';
import type { ImageBuilder, RuntimePorts } from '../ports.js';
import { KubeClient } from './kube-client.js';
import type { KubernetesSettings } from './manifests.js';
import { RegistryImageBuilder } from './registry-builder.js';
import { KubernetesVolume } from './volume.js';
import { KubernetesWorkload, type TenantDirectory } from './workload.js';

export { KubeClient } from './kube-client.js';
export { K8S_LABELS, k8sNames } from './manifests.js';
export { observationOf, parseQuantity } from './observation.js';
export type { TenantDirectory } from './workload.js';

export type KubernetesRuntimeOptions = Partial<KubernetesSettings> & {
  /** The admin kubeconfig's text (one KubeConfig per cluster; contexts are never switched). */
  readonly kubeconfig: string;
  /** Push address of the cluster's registry; null to read it from the cluster (KEP-1755 `local-registry-hosting`). */
  readonly registry: string | null;
  /** Builds images on this host (the Docker image builder) before they are pushed. */
  readonly hostBuilder: ImageBuilder;
  readonly docker: Docker;
  /** A local image with a shell, tar and du for the volume helper. */
  readonly helperSource: string;
  readonly tenants: TenantDirectory;
  readonly maxRestarts: number;
  readonly blockedCidrs?: readonly string[];
};

/**
 * The registry a cluster publishes for its nodes (KEP-1755: ConfigMap `local-registry-hosting` in `kube-public`,
 * key `localRegistryHosting.v1`, field `host`), or null.
 */
export async function discoverRegistry(kube: KubeClient): Promise<string | null> {
  const map = await kube.orNull(() => kube.core.readNamespacedConfigMap({ name: 'local-registry-hosting', namespace: 'kube-public' }));
  const text = map?.data?.['localRegistryHosting.v1'];
  const host = text ? /^\s*host:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1] : undefined;
  return host ?? null;
}

/** The three runtime ports on one Kubernetes cluster (its registry is looked up when first needed). */
export function createKubernetesRuntime(options: KubernetesRuntimeOptions): RuntimePorts {
  const kube = KubeClient.fromString(options.kubeconfig);
  let registry: Promise<string> | undefined;
  const lookup = async () => {
    const found = options.registry ?? (await discoverRegistry(kube));
    if (!found)
      throw new Error('kubernetes: no registry configured (ZAPDEPLOY_KUBE_REGISTRY) and the cluster publishes none (kube-public/local-registry-hosting)');
    return found;
  };
  const builder = new RegistryImageBuilder(options.hostBuilder, options.docker, {
    registry: () => {
      registry ??= lookup().catch((error: unknown) => {
        registry = undefined; // asked again next time
        throw error;
      });
      return registry;
    },
    helperSource: options.helperSource,
  });
  const workload = new KubernetesWorkload(kube, {
    storageClass: options.storageClass ?? null,
    accessMode: options.accessMode ?? 'ReadWriteOnce',
    terminationGraceSeconds: options.terminationGraceSeconds ?? 30,
    caBundle: options.caBundle ?? null,
    tenants: options.tenants,
    maxRestarts: options.maxRestarts,
    ...(options.blockedCidrs ? { blockedCidrs: options.blockedCidrs } : {}),
  });
  const volume = new KubernetesVolume(kube, workload, { helperImage: () => builder.helperImage() });
  return { kind: 'kubernetes', builder, workload, volume };
}
