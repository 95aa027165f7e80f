import type { Billing } from '@zapdeploy/domain';
import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { newId } from '../ids.js';
import { checkouts, instanceBilling, paymentNotifications, payments } from '../schema.js';

export type CheckoutRecord = typeof checkouts.$inferSelect;
export type PaymentRecord = typeof payments.$inferSelect;
export type BillingRecord = Billing & { readonly instanceId: string; readonly ownerId: string | null; readonly suspendedAt: Date | null };
export type NewCheckout = Omit<typeof checkouts.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type ClaimedNotification = { readonly id: number; readonly topic: string; readonly resourceId: string; readonly attempts: number };

function toBilling(row: typeof instanceBilling.$inferSelect): BillingRecord {
  return {
    instanceId: row.instanceId,
    ownerId: row.ownerId,
    state: row.state as Billing['state'],
    planId: row.planId,
    method: row.method as Billing['method'],
    paidUntil: row.paidUntil,
    graceUntil: row.graceUntil,
    purgeAt: row.purgeAt,
    suspendedAt: row.suspendedAt,
    preapprovalId: row.preapprovalId,
    scheduledPlanId: row.scheduledPlanId,
    remindedFor: row.remindedFor,
  };
}

/** Billing of instances: paid periods, checkouts, payments and the notification inbox (payments service). */
export class BillingRepository {
  constructor(private readonly db: Db) {}

  /** Instances whose card subscription renews on this plan (their plan, or the downgrade scheduled at the period's end). */
  async subscribedTo(planId: string, tx: Db = this.db): Promise<string[]> {
    const rows = await tx
      .select({ instanceId: instanceBilling.instanceId })
      .from(instanceBilling)
      .where(and(sql`${instanceBilling.preapprovalId} is not null`, eq(sql`coalesce(${instanceBilling.scheduledPlanId}, ${instanceBilling.planId})`, planId)))
      .orderBy(asc(instanceBilling.instanceId));
    return rows.map((row) => row.instanceId);
  }

  async find(instanceId: string, tx: Db = this.db): Promise<BillingRecord | null> {
    const [row] = await tx.select().from(instanceBilling).where(eq(instanceBilling.instanceId, instanceId));
    return row ? toBilling(row) : null;
  }

  /** Reads an instance's billing and locks it for the rest of the transaction (transitions are serialised per instance). */
  async lock(instanceId: string, tx: Db): Promise<BillingRecord | null> {
    const [row] = await tx.select().from(instanceBilling).where(eq(instanceBilling.instanceId, instanceId)).for('update');
    return row ? toBilling(row) : null;
  }

  async findByPreapproval(preapprovalId: string, tx: Db = this.db): Promise<BillingRecord | null> {
    const [row] = await tx.select().from(instanceBilling).where(eq(instanceBilling.preapprovalId, preapprovalId));
    return row ? toBilling(row) : null;
  }

  async save(instanceId: string, ownerId: string | null, billing: Billing & { suspendedAt?: Date | null }, tx: Db = this.db): Promise<void> {
    const values = {
      ownerId,
      planId: billing.planId,
      state: billing.state,
      method: billing.method,
      paidUntil: billing.paidUntil,
      graceUntil: billing.graceUntil,
      purgeAt: billing.purgeAt,
      suspendedAt: billing.suspendedAt ?? null,
      preapprovalId: billing.preapprovalId,
      scheduledPlanId: billing.scheduledPlanId,
      remindedFor: billing.remindedFor,
      updatedAt: new Date(),
    };
    await tx
      .insert(instanceBilling)
      .values({ instanceId, ...values })
      .onConflictDoUpdate({ target: instanceBilling.instanceId, set: values });
  }

  /** Instances whose renewal, grace, suspension or retention needs a look at `now` (reminders come `reminderDays` early). */
  async dueForDunning(now: Date, reminderDays: number, limit = 200): Promise<BillingRecord[]> {
    const remindFrom = new Date(now.getTime() + reminderDays * 86_400_000);
    const rows = await this.db
      .select()
      .from(instanceBilling)
      .where(
        or(
          and(eq(instanceBilling.state, 'active'), lte(instanceBilling.paidUntil, remindFrom)),
          and(eq(instanceBilling.state, 'grace'), lte(instanceBilling.graceUntil, now)),
          and(eq(instanceBilling.state, 'suspended'), lte(instanceBilling.purgeAt, now)),
        ),
      )
      .orderBy(asc(instanceBilling.paidUntil))
      .limit(limit);
    return rows.map(toBilling);
  }

  // --- Checkouts ---

  async createCheckout(input: NewCheckout, tx: Db = this.db): Promise<CheckoutRecord> {
    const [row] = await tx
      .insert(checkouts)
      .values({ id: newId('chk'), ...input })
      .returning();
    if (!row) throw new Error('checkout insert returned nothing');
    return row;
  }

  async updateCheckout(id: string, patch: Partial<NewCheckout>, tx: Db = this.db): Promise<void> {
    await tx
      .update(checkouts)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(checkouts.id, id));
  }

  async findCheckout(id: string, tx: Db = this.db): Promise<CheckoutRecord | null> {
    const [row] = await tx.select().from(checkouts).where(eq(checkouts.id, id));
    return row ?? null;
  }

  /** Reads a checkout and locks it for the rest of the transaction (two payments of one checkout are judged one at a time). */
  async lockCheckout(id: string, tx: Db): Promise<CheckoutRecord | null> {
    const [row] = await tx.select().from(checkouts).where(eq(checkouts.id, id)).for('update');
    return row ?? null;
  }

  async findCheckoutByPreapproval(preapprovalId: string, tx: Db = this.db): Promise<CheckoutRecord | null> {
    const [row] = await tx.select().from(checkouts).where(eq(checkouts.mpPreapprovalId, preapprovalId)).orderBy(desc(checkouts.createdAt)).limit(1);
    return row ?? null;
  }

  /** The newest checkout of an instance still waiting for the buyer and not expired. */
  async pendingCheckout(instanceId: string, now: Date, tx: Db = this.db): Promise<CheckoutRecord | null> {
    const [row] = await tx
      .select()
      .from(checkouts)
      .where(and(eq(checkouts.instanceId, instanceId), eq(checkouts.status, 'pending'), or(isNull(checkouts.expiresAt), sql`${checkouts.expiresAt} > ${now}`)))
      .orderBy(desc(checkouts.createdAt))
      .limit(1);
    return row ?? null;
  }

  // --- Payments ---

  /** Records what Mercado Pago says of a payment (insert or update by its id); returns the stored row. */
  async recordPayment(
    input: Omit<typeof payments.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'approvedAt' | 'reversedAt' | 'periodStart' | 'periodEnd'>,
    tx: Db = this.db,
  ): Promise<PaymentRecord> {
    const [row] = await tx
      .insert(payments)
      .values({ id: newId('pay'), ...input })
      .onConflictDoUpdate({ target: payments.mpPaymentId, set: { status: input.status, statusDetail: input.statusDetail, updatedAt: new Date() } })
      .returning();
    if (!row) throw new Error('payment upsert returned nothing');
    return row;
  }

  async findPayment(mpPaymentId: string, tx: Db = this.db): Promise<PaymentRecord | null> {
    const [row] = await tx.select().from(payments).where(eq(payments.mpPaymentId, mpPaymentId));
    return row ?? null;
  }

  /** Marks a payment applied, once (and never one set to be refunded): true only for the call that applied it. */
  async markApplied(mpPaymentId: string, period: { start: Date; end: Date }, tx: Db): Promise<boolean> {
    const rows = await tx
      .update(payments)
      .set({ approvedAt: new Date(), periodStart: period.start, periodEnd: period.end, updatedAt: new Date() })
      .where(and(eq(payments.mpPaymentId, mpPaymentId), isNull(payments.approvedAt), isNull(payments.refundStatus)))
      .returning({ id: payments.id });
    return rows.length > 0;
  }

  /** Sets an approved payment that was not applied to be refunded, once: true only for the call that did it. */
  async markRefundDue(mpPaymentId: string, reason: string, tx: Db): Promise<boolean> {
    const rows = await tx
      .update(payments)
      .set({ refundStatus: 'due', refundReason: reason, refundNextAt: new Date(), updatedAt: new Date() })
      .where(and(eq(payments.mpPaymentId, mpPaymentId), isNull(payments.approvedAt), isNull(payments.refundStatus)))
      .returning({ id: payments.id });
    return rows.length > 0;
  }

  /** Claims refunds due now for `leaseMs` (a failed or crashed attempt comes back after it). */
  async claimRefunds(limit: number, leaseMs: number): Promise<{ mpPaymentId: string; amountCents: number }[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: payments.id })
        .from(payments)
        .where(and(eq(payments.refundStatus, 'due'), lte(payments.refundNextAt, new Date()), sql`${payments.status} not in ('refunded', 'charged_back')`))
        .orderBy(asc(payments.refundNextAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(payments)
        .set({ refundNextAt: new Date(Date.now() + leaseMs) })
        .where(
          inArray(
            payments.id,
            due.map((d) => d.id),
          ),
        )
        .returning({ mpPaymentId: payments.mpPaymentId, amountCents: payments.amountCents });
    });
  }

  /** Mercado Pago accepted the refund. */
  async refundRequested(mpPaymentId: string): Promise<void> {
    await this.db
      .update(payments)
      .set({ refundStatus: 'requested', refundNextAt: null, updatedAt: new Date() })
      .where(and(eq(payments.mpPaymentId, mpPaymentId), eq(payments.refundStatus, 'due')));
  }

  /** Marks an applied payment reversed (refund, chargeback), once. */
  async markReversed(mpPaymentId: string, tx: Db): Promise<boolean> {
    const rows = await tx
      .update(payments)
      .set({ reversedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(payments.mpPaymentId, mpPaymentId), isNull(payments.reversedAt), sql`${payments.approvedAt} is not null`))
      .returning({ id: payments.id });
    return rows.length > 0;
  }

  async listPayments(instanceId: string, limit = 100): Promise<PaymentRecord[]> {
    return this.db.select().from(payments).where(eq(payments.instanceId, instanceId)).orderBy(desc(payments.createdAt)).limit(limit);
  }

  // --- Notification inbox ---

  async storeNotification(topic: string, resourceId: string, requestId: string | null): Promise<number> {
    const [row] = await this.db.insert(paymentNotifications).values({ topic, resourceId, requestId }).returning({ id: paymentNotifications.id });
    if (!row) throw new Error('notification insert returned nothing');
    return row.id;
  }

  /**
   * Stores an unsigned notification (IPN) unless one for the same resource is already waiting, and no earlier than
   * `cooldownMs` after the resource was last fetched: anyone can send these, so repeats cost one fetch per cooldown.
   * Returns whether a row was stored.
   */
  async storeUnsignedNotification(topic: string, resourceId: string, cooldownMs: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // One writer per resource at a time: two repeats arriving together must not both insert.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`notification:${topic}:${resourceId}`}))`);
      const [state] = await tx
        .select({
          waiting: sql<number>`count(*) filter (where ${paymentNotifications.processedAt} is null)`.mapWith(Number),
          lastDone: sql<Date | null>`max(${paymentNotifications.processedAt})`.mapWith(paymentNotifications.processedAt),
        })
        .from(paymentNotifications)
        .where(and(eq(paymentNotifications.topic, topic), eq(paymentNotifications.resourceId, resourceId)));
      if ((state?.waiting ?? 0) > 0) return false;
      const earliest = state?.lastDone ? new Date(state.lastDone.getTime() + cooldownMs) : new Date();
      await tx.insert(paymentNotifications).values({ topic, resourceId, requestId: null, nextAttemptAt: earliest > new Date() ? earliest : new Date() });
      return true;
    });
  }

  /** Claims due notifications for `leaseMs` (a crashed processor's claims come back after it). */
  async claimNotifications(limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
    return this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: paymentNotifications.id })
        .from(paymentNotifications)
        .where(and(isNull(paymentNotifications.processedAt), lte(paymentNotifications.nextAttemptAt, new Date())))
        .orderBy(asc(paymentNotifications.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(paymentNotifications)
        .set({ attempts: sql`${paymentNotifications.attempts} + 1`, nextAttemptAt: new Date(Date.now() + leaseMs) })
        .where(
          inArray(
            paymentNotifications.id,
            due.map((d) => d.id),
          ),
        )
        .returning({
          id: paymentNotifications.id,
          topic: paymentNotifications.topic,
          resourceId: paymentNotifications.resourceId,
          attempts: paymentNotifications.attempts,
        });
    });
  }

  async notificationDone(id: number, tx: Db = this.db): Promise<void> {
    await tx.update(paymentNotifications).set({ processedAt: new Date(), lastError: null }).where(eq(paymentNotifications.id, id));
  }

  async notificationFailed(id: number, error: string, retryAt: Date): Promise<void> {
    await this.db
      .update(paymentNotifications)
      .set({ lastError: error.slice(0, 500), nextAttemptAt: retryAt })
      .where(eq(paymentNotifications.id, id));
  }
}
