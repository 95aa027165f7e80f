import { createDockerRuntime } from '@zapdeploy/runtime';
import { createKubernetesRuntime, K8S_LABELS, KubeClient } from '@zapdeploy/runtime/kubernetes';
import { dockerTestSettings } from '@zapdeploy/test-support/support/docker';
import { ensureCluster } from '@zapdeploy/test-support/support/kubernetes';
import Docker from 'dockerode';
import { type ContractBot, contractContext, describeRuntimeContract } from './contract/runtime-contract.js';

const docker = new Docker();
const selector = (instanceId: string) => `${K8S_LABELS.instance}=${instanceId}`;

describeRuntimeContract(
  'Kubernetes',
  async () => {
    const cluster = await ensureCluster('contract');
    const kube = KubeClient.fromString(cluster.kubeconfig);
    const contexts: (() => Promise<void>)[] = [];
    const ports = createKubernetesRuntime({
      kubeconfig: cluster.kubeconfig,
      registry: null, // published by the cluster (kube-public/local-registry-hosting)
      hostBuilder: createDockerRuntime(dockerTestSettings()).builder,
      docker,
      helperSource: 'node:24-slim',
      tenants: {
        tenantOf: async () => 'usr_contract',
        allowanceOf: async () => ({ memoryMb: 2048, cpuMillis: 2000, instances: 3 }),
      },
      maxRestarts: 1,
    });
    return {
      ports,
      async request(bot: ContractBot, instanceId: string, deploymentId: string) {
        const context = await contractContext(bot);
        contexts.push(context.remove);
        return { instanceId, deploymentId, contextDir: context.dir, dockerfile: 'Dockerfile', baseImages: ['node:24-slim'], commands: null };
      },
      /** A stopped instance is its StatefulSet at zero replicas; each pod is a copy. */
      async copies(instanceId: string) {
        const sets = await kube.apps.listStatefulSetForAllNamespaces({ labelSelector: selector(instanceId) });
        const pods = await kube.core.listPodForAllNamespaces({ labelSelector: selector(instanceId) });
        const running = pods.items.filter((pod) => pod.status?.containerStatuses?.some((c) => c.state?.running));
        return { existing: Math.max(sets.items.length, pods.items.length), running: running.length };
      },
      async leftovers(instanceId: string) {
        const labelSelector = selector(instanceId);
        const sets = await kube.apps.listStatefulSetForAllNamespaces({ labelSelector });
        const pods = await kube.core.listPodForAllNamespaces({ labelSelector });
        const claims = await kube.core.listPersistentVolumeClaimForAllNamespaces({ labelSelector });
        const secrets = await kube.core.listSecretForAllNamespaces({ labelSelector });
        return [
          ...sets.items.map((o) => `statefulset ${o.metadata?.name}`),
          ...pods.items.map((o) => `pod ${o.metadata?.name}`),
          ...claims.items.map((o) => `claim ${o.metadata?.name}`),
          ...secrets.items.map((o) => `secret ${o.metadata?.name}`),
        ];
      },
      async cleanup() {
        for (const remove of contexts) await remove();
      },
    };
  },
  // Pods start in seconds, but the first image pull and a crash loop's back-off take longer.
  { oom: true, timeoutMs: 120_000, separateStreams: false },
);
