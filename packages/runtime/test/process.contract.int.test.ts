import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createProcessRuntime } from '@zapdeploy/runtime';
import { type ContractBot, contractContext, describeRuntimeContract } from './contract/runtime-contract.js';

describeRuntimeContract(
  'Process',
  async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'zapdeploy-process-contract-'));
    const contexts: (() => Promise<void>)[] = [];
    return {
      ports: createProcessRuntime({ rootDir: root, maxRestarts: 1, hostEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' } }),
      async request(bot: ContractBot, instanceId: string, deploymentId: string) {
        const context = await contractContext(bot);
        contexts.push(context.remove);
        return {
          instanceId,
          deploymentId,
          contextDir: context.dir,
          dockerfile: 'Dockerfile',
          baseImages: [],
          commands: { install: 'true', build: null, start: `node bot.js ${bot}` },
        };
      },
      async cleanup() {
        for (const remove of contexts) await remove();
        await rm(root, { recursive: true, force: true });
      },
    };
  },
  // Local processes run without enforced limits: nothing kills them for memory.
  { oom: false },
);
