import { runProcess } from '@zapdeploy/infra';
import { createApiApp } from './app.js';
import { loadApiConfig } from './config.js';
import { openPlatform } from './infrastructure/platform.js';

runProcess('zapdeploy api', async () => {
  const config = loadApiConfig(process.env);
  const platform = await openPlatform(config);
  const app = await createApiApp(platform);
  await app.listen(config.port, config.host);
  process.stdout.write(
    `zapdeploy api: ${config.mode} mode, listening on http://${config.host}:${config.port} (database: ${platform.database.kind}, bus: ${platform.bus.kind})\n`,
  );
  return {
    stop: async () => {
      await app.close();
      await platform.close();
    },
  };
});
