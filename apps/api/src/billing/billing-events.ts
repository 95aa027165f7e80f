import {
  BILLING_EVENTS,
  BillingDunningV1,
  BillingEndedV1,
  BillingPlanChangedV1,
  PaymentApprovedV1,
  PaymentReversedV1,
  renderSystemMessage,
  type SystemMessageCode,
  type SystemMessageParams,
} from '@zapdeploy/contracts';
import type { UserRepository } from '@zapdeploy/db';
import { isPaymentHold } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import { type MessageBus, routingKey } from '@zapdeploy/messaging';
import type { z } from 'zod';
import type { Mailer } from '../infrastructure/mailer.js';
import type { InstanceService } from '../instances/instance.service.js';

const date = (iso: string) => new Date(iso).toLocaleDateString('pt-BR', { timeZone: 'America/Sao_Paulo' });
const brl = (cents: number) => `R$ ${(cents / 100).toFixed(2).replace('.', ',')}`;

/**
 * Applies the payments service's events to instances (plan active, paused for payment, deleted after retention),
 * tells the owner (system log line, e-mail), and is idempotent: a redelivered event changes nothing twice.
 */
export class BillingEvents {
  private stopConsuming: (() => Promise<void>) | undefined;

  constructor(
    private readonly deps: {
      readonly bus: MessageBus;
      readonly instances: InstanceService;
      readonly users: UserRepository;
      readonly logStore: LogStore;
      readonly mailer: Mailer;
      readonly publicUrl: string;
      /** Where operators read alerts. */
      readonly log: (line: string) => void;
    },
  ) {}

  static readonly QUEUE = 'api.billing';

  async start(): Promise<void> {
    const { bus, log } = this.deps;
    const alert = (what: string) =>
      log(`ALERT billing: ${what}; once the cause is fixed, re-drive them: node --import tsx scripts/redrive-dead-letters.ts ${BillingEvents.QUEUE}`);
    this.stopConsuming = await bus.consume(BillingEvents.QUEUE, BILLING_EVENTS, (key, payload) => this.handle(key, payload), {
      onDeadLetter: (letter) => alert(`event ${letter.routingKey} dead-lettered (${letter.reason})`),
    });
    // Letters left from before this start (or that died while no one listened) are announced too.
    const waiting = await bus.deadLetterCount(BillingEvents.QUEUE).catch(() => 0);
    if (waiting > 0) alert(`${waiting} dead-lettered event(s) waiting`);
  }

  async stop(): Promise<void> {
    await this.stopConsuming?.();
  }

  async handle(key: string, payload: unknown): Promise<void> {
    if (key === routingKey(PaymentApprovedV1)) return this.approved(payload as z.infer<typeof PaymentApprovedV1.schema>);
    if (key === routingKey(PaymentReversedV1)) return this.reversed(payload as z.infer<typeof PaymentReversedV1.schema>);
    if (key === routingKey(BillingPlanChangedV1)) return this.planChanged(payload as z.infer<typeof BillingPlanChangedV1.schema>);
    if (key === routingKey(BillingDunningV1)) return this.dunning(payload as z.infer<typeof BillingDunningV1.schema>);
    if (key === routingKey(BillingEndedV1)) return this.ended(payload as z.infer<typeof BillingEndedV1.schema>);
  }

  private async approved(event: z.infer<typeof PaymentApprovedV1.schema>): Promise<void> {
    const changed = await this.deps.instances.applyPlatformChange(event.instanceId, 'payment_approved', (current) => {
      const resume = current.desiredState === 'paused' && isPaymentHold(current.statusReason);
      if (current.planId === event.planId && !resume) return null;
      return {
        ...(current.planId !== event.planId ? { planId: event.planId } : {}),
        ...(resume ? { desiredState: 'running' as const, statusReason: null } : {}),
      };
    });
    await this.say(event.instanceId, 'payment_approved', { amount: event.amountCents, payment: event.paymentId, until: event.paidUntil });
    if (changed)
      await this.mail(
        event.ownerId,
        'Pagamento aprovado',
        `Recebemos ${brl(event.amountCents)}. Sua instância está ativa até ${date(event.paidUntil)}.`,
        event.instanceId,
      );
  }

  private async reversed(event: z.infer<typeof PaymentReversedV1.schema>): Promise<void> {
    const what = event.reason === 'charged_back' ? 'contestado (chargeback)' : 'estornado';
    await this.say(event.instanceId, event.reason === 'charged_back' ? 'payment_charged_back' : 'payment_refunded', { payment: event.paymentId });
    await this.mail(
      event.ownerId,
      'Pagamento estornado',
      `O pagamento ${event.paymentId} foi ${what}. Pague de novo para manter o bot no ar.`,
      event.instanceId,
    );
  }

  private async planChanged(event: z.infer<typeof BillingPlanChangedV1.schema>): Promise<void> {
    const changed = await this.deps.instances.applyPlatformChange(event.instanceId, 'plan_change_applied', (current) =>
      current.planId === event.planId ? null : { planId: event.planId },
    );
    if (changed) await this.say(event.instanceId, 'plan_change_applied');
  }

  private async dunning(event: z.infer<typeof BillingDunningV1.schema>): Promise<void> {
    if (event.stage === 'reminder') {
      await this.say(event.instanceId, 'payment_reminder', { at: event.at });
      await this.mail(
        event.ownerId,
        'Seu plano vence em breve',
        `O período pago termina em ${date(event.at)}. Pague o próximo período para o bot seguir no ar.`,
        event.instanceId,
      );
      return;
    }
    if (event.stage === 'grace') {
      await this.say(event.instanceId, 'payment_grace', { at: event.at });
      await this.mail(
        event.ownerId,
        'Pagamento pendente',
        `Não recebemos o pagamento do seu plano. O bot segue no ar até ${date(event.at)}.`,
        event.instanceId,
      );
      return;
    }
    const changed = await this.deps.instances.applyPlatformChange(event.instanceId, 'payment_overdue', (current) =>
      current.desiredState === 'paused' && current.statusReason === 'payment_overdue' ? null : { desiredState: 'paused', statusReason: 'payment_overdue' },
    );
    if (changed) {
      await this.say(event.instanceId, 'payment_suspended', { at: event.at });
      await this.mail(
        event.ownerId,
        'Instância pausada: pagamento pendente',
        `Pague para retomar. Os dados ficam guardados até ${date(event.at)}.`,
        event.instanceId,
      );
    }
  }

  private async ended(event: z.infer<typeof BillingEndedV1.schema>): Promise<void> {
    await this.deps.instances.applyPlatformChange(event.instanceId, 'payment_retention_ended', () => ({ desiredState: 'deleted', status: 'deleting' }));
  }

  /** A line in the instance's log, as a code (said in each reader's language) and in pt-BR. */
  private async say(instanceId: string, code: SystemMessageCode, params: SystemMessageParams = {}): Promise<void> {
    await this.deps.logStore.append(logKeys.instance(instanceId), [
      { ts: new Date().toISOString(), stream: 'system', line: renderSystemMessage(code, params), message: { code, params } },
    ]);
  }

  private async mail(ownerId: string | null, subject: string, text: string, instanceId: string): Promise<void> {
    const user = ownerId ? await this.deps.users.findById(ownerId) : undefined;
    if (!user || user.isGuest) return;
    await this.deps.mailer.send({ to: user.email, subject: `Zapdeploy — ${subject}`, text: `${text}\n\n${this.deps.publicUrl}/instances/${instanceId}` });
  }
}
