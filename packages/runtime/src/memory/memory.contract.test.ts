import { type ContractBot, contractContext, describeRuntimeContract } from '../../test/contract/runtime-contract.js';
import { createMemoryRuntime } from './index.js';

describeRuntimeContract(
  'Memory',
  async () => {
    const contexts: (() => Promise<void>)[] = [];
    const ports = createMemoryRuntime();
    return {
      ports,
      async request(bot: ContractBot, instanceId: string, deploymentId: string) {
        const context = await contractContext(bot);
        contexts.push(context.remove);
        return { instanceId, deploymentId, contextDir: context.dir, dockerfile: 'Dockerfile', baseImages: [], commands: null };
      },
      async copies(instanceId: string) {
        return { existing: ports.engine.instances.has(instanceId) ? 1 : 0, running: ports.engine.runningCopies(instanceId) };
      },
      async leftovers(instanceId: string) {
        const left: string[] = [];
        if (ports.engine.instances.has(instanceId)) left.push('instance');
        if (ports.engine.volumes.has(instanceId)) left.push('volume');
        if (ports.engine.artifactsOf.has(instanceId)) left.push('artifacts');
        return left;
      },
      async cleanup() {
        for (const remove of contexts) await remove();
      },
    };
  },
  { oom: true, timeoutMs: 5_000 },
);
