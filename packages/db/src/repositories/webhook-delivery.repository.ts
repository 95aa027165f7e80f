import type { Db } from '../database.js';
import { webhookDeliveries } from '../schema.js';

export class WebhookDeliveryRepository {
  constructor(private readonly db: Db) {}

  /** Records a delivery id (in `tx`, with what it causes); false when it was already recorded (a redelivery). */
  async firstTime(source: string, id: string, tx: Db = this.db): Promise<boolean> {
    const rows = await tx
      .insert(webhookDeliveries)
      .values({ id: `${source}:${id}`, source })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    return rows.length > 0;
  }
}
