import type { Db } from '../database.js';
import { webhookDeliveries } from '../schema.js';

export class WebhookDeliveryRepository {
  constructor(private readonly db: Db) {}

  /** Records a delivery id; false when it was already recorded (a redelivery). */
  async firstTime(source: string, id: string): Promise<boolean> {
    const rows = await this.db
      .insert(webhookDeliveries)
      .values({ id: `${source}:${id}`, source })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    return rows.length > 0;
  }
}
