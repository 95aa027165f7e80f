import { openInfrastructure, runProcess } from '@zapdeploy/infra';
import { loadPaymentsConfig } from './config.js';
import { PaymentsService } from './payments-service.js';

runProcess('zapdeploy payments', async () => {
  const config = loadPaymentsConfig(process.env);
  const infra = await openInfrastructure(config.infra, (message) => process.stderr.write(`zapdeploy payments: ${message}\n`));
  const service = new PaymentsService(config, infra, {
    info: (message) => process.stdout.write(`zapdeploy payments: ${message}\n`),
    error: (message) => process.stderr.write(`zapdeploy payments: ${message}\n`),
  });
  const url = await service.start();
  process.stdout.write(`zapdeploy payments: listening on ${url}${config.mercadopago ? '' : ' (Mercado Pago not configured: checkouts say so)'}\n`);
  return {
    stop: async () => {
      await service.stop();
      await infra.close();
    },
  };
});
