import { createDockerRuntime, LABELS, names } from '@zapdeploy/runtime';
import { dockerTestSettings } from '@zapdeploy/test-support/support/docker';
import Docker from 'dockerode';
import { type ContractBot, contractContext, describeRuntimeContract } from './contract/runtime-contract.js';

const docker = new Docker();
const byInstance = (instanceId: string) => ({ filters: { label: [`${LABELS.instance}=${instanceId}`] } });

describeRuntimeContract(
  'Docker',
  async () => {
    const contexts: (() => Promise<void>)[] = [];
    return {
      ports: createDockerRuntime(dockerTestSettings()),
      async request(bot: ContractBot, instanceId: string, deploymentId: string) {
        const context = await contractContext(bot);
        contexts.push(context.remove);
        return { instanceId, deploymentId, contextDir: context.dir, dockerfile: 'Dockerfile', baseImages: ['node:24-slim'], commands: null };
      },
      async copies(instanceId: string) {
        const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`, `${LABELS.managed}=true`] } });
        return { existing: containers.length, running: containers.filter((container) => container.State === 'running').length };
      },
      async leftovers(instanceId: string) {
        const containers = await docker.listContainers({ all: true, ...byInstance(instanceId) });
        const volumes = (await docker.listVolumes(byInstance(instanceId))).Volumes ?? [];
        const images = await docker.listImages(byInstance(instanceId));
        const networks = await docker.listNetworks({ filters: { name: [names.network(instanceId)] } });
        return [
          ...containers.map((c) => `container ${c.Id}`),
          ...volumes.map((v) => `volume ${v.Name}`),
          ...images.map((i) => `image ${i.Id}`),
          ...networks.map((n) => `network ${n.Name}`),
        ];
      },
      async cleanup() {
        for (const remove of contexts) await remove();
      },
    };
  },
  { oom: true },
);
