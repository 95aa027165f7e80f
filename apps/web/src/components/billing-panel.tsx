'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import { api, type Checkout, type Instance, type PaymentList, type Plan } from '@/lib/api';
import { formatBRL, formatDate } from '@/lib/format';
import { ProblemAlert } from './problem-alert';

/**
 * An instance's plan and payments: what is paid and until when, a plan picker that pays by Pix (QR and
 * copia e cola, live until approved) or card (Mercado Pago subscription), and the payment history.
 */
export function BillingPanel({ instance, plans, isGuest, onPaid }: { instance: Instance; plans: Plan[]; isGuest: boolean; onPaid: () => void }) {
  const { t, locale } = useI18n();
  const [data, setData] = useState<PaymentList>();
  const [error, setError] = useState<unknown>();
  const [planId, setPlanId] = useState('');
  const [method, setMethod] = useState<'pix' | 'card'>('pix');
  const [checkout, setCheckout] = useState<Checkout>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const value = await api<PaymentList>(`/api/v1/instances/${instance.id}/payments`, { locale });
      setData(value);
      setCheckout((current) => current ?? value.pendingCheckout ?? undefined);
      return value;
    } catch (problem) {
      setError(problem);
      return undefined;
    }
  }, [instance.id, locale]);

  useEffect(() => {
    void load();
  }, [load]);

  const paid = plans.filter((p) => p.tier === 'production');
  const billedPlan = plans.find((p) => p.id === (data?.billing?.planId ?? instance.planId));
  const chosen = plans.find((p) => p.id === (planId || (instance.planId && paid.some((p) => p.id === instance.planId) ? instance.planId : paid[0]?.id)));

  // While a Pix waits, ask every few seconds; the plan activates within seconds of Mercado Pago's notification.
  const waiting = checkout?.status === 'pending' && checkout.method === 'pix';
  useEffect(() => {
    if (!waiting || !checkout) return;
    const timer = setInterval(async () => {
      const value = await load();
      const approved = value?.items.some((item) => item.checkoutId === checkout.checkoutId && item.status === 'approved');
      if (approved) {
        setCheckout({ ...checkout, status: 'approved' });
        onPaid();
      }
    }, 3000);
    return () => clearInterval(timer);
  }, [waiting, checkout, load, onPaid]);

  if (isGuest) {
    return (
      <section className="card stack" data-testid="billing-panel">
        <h2 style={{ margin: 0 }}>{t('bill.title')}</h2>
        <p className="alert info" style={{ margin: 0 }}>
          {t('bill.guest')}
        </p>
        <div>
          <Link className="btn primary" href="/login?mode=signup">
            {t('bill.guestCta')}
          </Link>
        </div>
      </section>
    );
  }
  if (!data) return error ? <ProblemAlert error={error} /> : <p className="muted">{t('common.loading')}</p>;

  const billing = data.billing;
  const stateText = billing ? describeState(billing, t, locale) : instance.statusReason === 'awaiting_payment' ? t('bill.state.awaiting_payment') : null;

  async function pay() {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<Checkout>(`/api/v1/instances/${instance.id}/checkout`, { method: 'POST', body: { planId: chosen.id, method }, locale });
      setCheckout(created);
      if (created.redirectUrl) window.location.assign(created.redirectUrl);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack" data-testid="billing-panel">
      <section className="card stack" aria-labelledby="bill-title">
        <h2 id="bill-title" style={{ margin: 0 }}>
          {t('bill.title')}
        </h2>
        <p style={{ margin: 0 }}>
          <strong>{t('bill.current', billedPlan?.name ?? instance.planId)}</strong>
          {billedPlan && billedPlan.priceCents > 0 ? ` — ${formatBRL(billedPlan.priceCents, locale)}${t('landing.plans.perMonth')}` : ''}
        </p>
        {stateText ? (
          <p className={billing?.state === 'active' ? 'alert ok' : 'alert info'} style={{ margin: 0 }} role="status">
            {stateText}
          </p>
        ) : null}
        {billing?.subscribed ? (
          <p className="small muted" style={{ margin: 0 }}>
            {t('bill.subscribed')}
          </p>
        ) : null}
        {billing?.scheduledPlanId ? (
          <p className="small muted" style={{ margin: 0 }}>
            {t('bill.scheduled', plans.find((p) => p.id === billing.scheduledPlanId)?.name ?? billing.scheduledPlanId)}
          </p>
        ) : null}
      </section>

      {checkout && checkout.status === 'pending' && checkout.pix ? (
        <PixCheckout checkout={checkout} planName={plans.find((p) => p.id === checkout.planId)?.name ?? ''} />
      ) : checkout?.status === 'approved' && checkout.method === 'pix' ? (
        <p className="alert ok" role="status">
          {t('bill.approved')}
        </p>
      ) : checkout?.redirectUrl && checkout.status === 'pending' ? (
        <section className="card stack">
          <p style={{ margin: 0 }}>{t('bill.cardRedirect')}</p>
          <div>
            <a className="btn primary" href={checkout.redirectUrl}>
              {t('bill.cardGo')}
            </a>
          </div>
        </section>
      ) : null}

      <form
        className="card stack"
        aria-labelledby="bill-choose"
        onSubmit={(event) => {
          event.preventDefault();
          void pay();
        }}
      >
        <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend id="bill-choose" style={{ fontWeight: 700 }}>
            {t('bill.choose')}
          </legend>
          <div className="plan-picker">
            {paid.map((plan) => (
              <label key={plan.id} className={`plan-option${chosen?.id === plan.id ? ' selected' : ''}`}>
                <input type="radio" name="bill-plan" value={plan.id} checked={chosen?.id === plan.id} onChange={() => setPlanId(plan.id)} />
                <span className="plan-name">{plan.name}</span>
                <span className="plan-price">
                  {formatBRL(plan.priceCents, locale)}
                  <span className="muted small">{t('landing.plans.perMonth')}</span>
                </span>
                <span className="small muted">
                  {t('landing.plans.cpu', plan.cpuMillis / 1000)} · {t('landing.plans.memory', plan.memoryMb)}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0, columnGap: '1.25rem' }}>
          <legend style={{ fontWeight: 700, marginBottom: '.5rem' }}>{t('bill.method')}</legend>
          <label className="choice">
            <input type="radio" name="bill-method" value="pix" checked={method === 'pix'} onChange={() => setMethod('pix')} />
            <span>{t('bill.pix')}</span>
          </label>
          <label className="choice">
            <input type="radio" name="bill-method" value="card" checked={method === 'card'} onChange={() => setMethod('card')} />
            <span>{t('bill.card')}</span>
          </label>
        </fieldset>
        {billing?.state === 'active' ? <p className="hint" style={{ margin: 0 }}>{`${t('bill.upgradeNote')} ${t('bill.downgradeNote')}`}</p> : null}
        <ProblemAlert error={error} />
        <div>
          <button type="submit" className="btn primary" disabled={busy || !chosen}>
            {chosen ? t('bill.pay', `${chosen.name}`) : t('instance.payNow')}
          </button>
        </div>
      </form>

      <section className="card stack" aria-labelledby="bill-history">
        <h3 id="bill-history" style={{ margin: 0 }}>
          {t('bill.history')}
        </h3>
        {data.items.length === 0 ? (
          <p className="muted" style={{ margin: 0 }}>
            {t('bill.noPayments')}
          </p>
        ) : (
          <div className="table-scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('bill.col.date')}</th>
                  <th scope="col">{t('bill.col.plan')}</th>
                  <th scope="col">{t('bill.col.amount')}</th>
                  <th scope="col">{t('bill.col.method')}</th>
                  <th scope="col">{t('bill.col.status')}</th>
                  <th scope="col">{t('bill.col.receipt')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.id}>
                    <td>{formatDate(item.approvedAt ?? item.createdAt, locale)}</td>
                    <td>{plans.find((p) => p.id === item.planId)?.name ?? item.planId}</td>
                    <td>{formatBRL(item.amountCents, locale)}</td>
                    <td>{t(`bill.methodName.${item.method}` as MessageKey)}</td>
                    <td className="wrap">
                      {item.refund ? refundText(item.refund.reason, item.status === 'refunded', t) : t(`bill.status.${item.status}` as MessageKey)}
                    </td>
                    <td className="mono small">{t('bill.receipt', item.mercadoPagoId)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

/** A payment we did not apply and give back: why, and whether Mercado Pago has refunded it yet. */
function refundText(
  reason: NonNullable<PaymentList['items'][number]['refund']>['reason'],
  done: boolean,
  t: (key: MessageKey, ...params: (string | number)[]) => string,
) {
  const late = reason === 'checkout_expired' || reason === 'period_ended';
  if (late) return t(done ? 'bill.refund.lateDone' : 'bill.refund.late');
  return t(done ? 'bill.refund.changedDone' : 'bill.refund.changed');
}

function describeState(
  billing: NonNullable<PaymentList['billing']>,
  t: (key: MessageKey, ...params: (string | number)[]) => string,
  locale: Parameters<typeof formatDate>[1],
) {
  const at = (iso: string | null) => (iso ? formatDate(iso, locale) : '—');
  switch (billing.state) {
    case 'active':
      return t('bill.state.active', at(billing.paidUntil));
    case 'grace':
      return t('bill.state.grace', at(billing.graceUntil));
    case 'suspended':
      return t('bill.state.suspended', at(billing.purgeAt));
    case 'awaiting_payment':
      return t('bill.state.awaiting_payment');
    default:
      return t('bill.state.ended');
  }
}

function PixCheckout({ checkout, planName }: { checkout: Checkout; planName: string }) {
  const { t, locale } = useI18n();
  const [copied, setCopied] = useState(false);
  const pix = checkout.pix;
  if (!pix) return null;
  const amount = formatBRL(checkout.amountCents, locale);
  return (
    <section className="card stack" aria-labelledby="pix-title" data-testid="pix-checkout">
      <h3 id="pix-title" style={{ margin: 0 }}>
        {t('bill.pixTitle')} — {amount} · {planName}
      </h3>
      <div className="row" style={{ alignItems: 'flex-start', gap: '1.5rem' }}>
        {/* biome-ignore lint/performance/noImgElement: a data: URL from Mercado Pago, nothing for next/image to optimise */}
        <img className="qr" src={`data:image/png;base64,${pix.qrCodeBase64}`} alt={t('bill.pixAlt', amount)} width={240} height={240} />
        <div className="stack" style={{ flex: '1 1 16rem' }}>
          <p style={{ margin: 0 }}>{t('bill.pixSteps')}</p>
          <label htmlFor="pix-code" style={{ margin: 0 }}>
            {t('bill.pixCode')}
          </label>
          <textarea id="pix-code" className="mono small" readOnly rows={3} value={pix.qrCode} onFocus={(e) => e.currentTarget.select()} />
          <div className="row">
            <button
              type="button"
              className="btn"
              onClick={async () => {
                await navigator.clipboard?.writeText(pix.qrCode).catch(() => undefined);
                setCopied(true);
              }}
            >
              {t('bill.copy')}
            </button>
            {copied ? (
              <span className="small" role="status">
                {t('bill.copied')}
              </span>
            ) : null}
          </div>
          <p className="small muted" style={{ margin: 0 }}>
            {t('bill.pixExpires', formatDate(pix.expiresAt, locale))}
          </p>
          <p className="alert info small" role="status" style={{ margin: 0 }}>
            {t('bill.waiting')}
          </p>
        </div>
      </div>
    </section>
  );
}
