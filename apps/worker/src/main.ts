import { openInfrastructure, runProcess } from '@zapdeploy/infra';
import { databaseTenants } from './cluster-directory.js';
import { loadWorkerConfig } from './config.js';
import { createRuntime, RuntimeUnavailableError } from './runtime-factory.js';
import { Worker } from './worker.js';

runProcess('zapdeploy worker', async () => {
  const config = loadWorkerConfig(process.env);
  const infra = await openInfrastructure(config.infra, (message) => process.stderr.write(`zapdeploy worker: ${message}\n`));
  const runtime = createRuntime(config, databaseTenants(infra.database.db));
  const worker = new Worker(config, infra, runtime, {
    info: (message) => process.stdout.write(`zapdeploy worker: ${message}\n`),
    error: (message) => process.stderr.write(`zapdeploy worker: ${message}\n`),
  });
  await worker.start();
  return {
    stop: async () => {
      await worker.stop();
      await infra.close();
    },
  };
}, [RuntimeUnavailableError]);
