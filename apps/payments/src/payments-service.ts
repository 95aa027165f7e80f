import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MESSAGE_CATALOG } from '@zapdeploy/contracts';
import { BillingRepository, LeaseRepository, OutboxRepository, PlanRepository } from '@zapdeploy/db';
import { type Infrastructure, OutboxRelay, paymentsServiceToken } from '@zapdeploy/infra';
import { CheckoutService } from './checkout-service.js';
import type { PaymentsConfig } from './config.js';
import { Dunning } from './dunning.js';
import { createPaymentsApp } from './http-app.js';
import { BillingLedger } from './ledger.js';
import { HttpMercadoPago } from './mercadopago/http-client.js';
import type { MercadoPagoPort } from './mercadopago/port.js';
import { type Logger, NotificationProcessor } from './notifications.js';
import { Refunds } from './refunds.js';
import { Subscriptions } from './subscriptions.js';

export type PaymentsOverrides = { readonly clock?: () => Date; readonly mercadopago?: MercadoPagoPort };

/** The payments process: HTTP (notifications, internal checkouts), the notification processor, dunning and its outbox relay. */
export class PaymentsService {
  readonly processor: NotificationProcessor | undefined;
  readonly dunning: Dunning;
  private readonly relay: OutboxRelay;
  private readonly app: ReturnType<typeof createPaymentsApp>;
  private server: Server | undefined;

  constructor(
    private readonly config: PaymentsConfig,
    infra: Infrastructure,
    logger: Logger,
    overrides: PaymentsOverrides = {},
  ) {
    const db = infra.database.db;
    const clock = overrides.clock ?? (() => new Date());
    const billing = new BillingRepository(db);
    const plans = new PlanRepository(db);
    const outbox = new OutboxRepository(db);
    const mp = config.mercadopago;
    const mercadopago = overrides.mercadopago ?? (mp ? new HttpMercadoPago({ apiUrl: mp.apiUrl, accessToken: mp.accessToken }) : undefined);
    const ledger = new BillingLedger({ db, billing, outbox, rules: config.rules, clock });
    const subscriptions = mercadopago ? new Subscriptions({ db, billing, plans, mercadopago, ledger }) : undefined;
    this.processor =
      mercadopago && subscriptions
        ? new NotificationProcessor({
            db,
            billing,
            mercadopago,
            ledger,
            subscriptions,
            refunds: new Refunds({ billing, mercadopago, logger, claimMs: config.claimMs }),
            logger,
            pollMs: 2_000,
            claimMs: config.claimMs,
          })
        : undefined;
    this.dunning = new Dunning({
      db,
      billing,
      plans,
      outbox,
      leases: new LeaseRepository(db),
      holder: `payments-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      rules: config.rules,
      intervalMs: config.dunningMs,
      clock,
      logger,
    });
    this.relay = new OutboxRelay(outbox, infra.bus, MESSAGE_CATALOG, 250, (error) => logger.error(`outbox relay: ${String(error)}`));
    const checkouts = new CheckoutService({
      billing,
      plans,
      mercadopago,
      subscriptions,
      rules: config.rules,
      publicUrl: config.publicUrl,
      checkoutExpiryMinutes: config.pixExpiryMinutes,
      clock,
    });
    this.app = createPaymentsApp({
      checkouts,
      subscriptions,
      billing,
      processor: this.processor,
      mercadopago: mp,
      internalToken: paymentsServiceToken(infra.secret),
      toleranceSeconds: config.webhookToleranceSeconds,
      unsignedCooldownMs: config.ipnCooldownMs,
      logger,
    });
  }

  /** Listens on the configured port (0: any free port) and starts the background loops; returns the URL. */
  async start(port = this.config.port): Promise<string> {
    this.server = await new Promise<Server>((resolve, reject) => {
      const server = this.app.listen(port, this.config.host, (error?: Error) => (error ? reject(error) : resolve(server)));
    });
    this.processor?.start();
    this.dunning.start();
    this.relay.start();
    const address = this.server.address() as AddressInfo;
    return `http://${this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host}:${address.port}`;
  }

  /** Publishes pending events now (tests use it). */
  drainOutbox(): Promise<void> {
    return this.relay.drain();
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await this.processor?.stop();
    await this.dunning.stop();
    await this.relay.stop();
  }
}
