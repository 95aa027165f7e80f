'use client';

import { type FormEvent, useState } from 'react';
import { useAction, useAdminData } from '@/components/admin/admin-context';
import { FinanceCharts } from '@/components/admin/finance-charts';
import { ActionResult, StateBadge, toCents } from '@/components/admin/ui';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import { type Finance, query } from '@/lib/admin-api';
import { api } from '@/lib/api';
import { formatBRL } from '@/lib/format';

/** YYYY-MM of now (UTC, as the API counts months), moved by `delta` months. */
function monthOf(delta = 0, from?: string): string {
  const [year, month] = (from ?? new Date().toISOString().slice(0, 7)).split('-').map(Number);
  const date = new Date(Date.UTC(year ?? 2000, (month ?? 1) - 1 + delta, 1));
  return date.toISOString().slice(0, 7);
}

/** The last two years' months, newest first, named in the admin's language ("novembro de 2026"). */
function MonthSelect({ id, value, onChange }: { id: string; value: string; onChange: (month: string) => void }) {
  const { locale } = useI18n();
  const name = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const months = Array.from({ length: 24 }, (_, index) => monthOf(-index));
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)} style={{ width: 'auto' }}>
      {months.map((month) => {
        const label = name.format(new Date(`${month}-01T00:00:00Z`));
        return (
          <option key={month} value={month}>
            {label.charAt(0).toLocaleUpperCase(locale) + label.slice(1)}
          </option>
        );
      })}
    </select>
  );
}

/** A month's revenue, cost and margin; by plan, method and cluster, with charts; cost lines; CSV export. */
export default function FinancePage() {
  const { t, locale } = useI18n();
  const [month, setMonth] = useState(monthOf());
  const [from, setFrom] = useState(monthOf(-11));
  const [to, setTo] = useState(monthOf());
  const { data, error, reload } = useAdminData<Finance>(`/api/v1/admin/finance${query({ month })}`);
  const action = useAction();

  async function addLine(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const label = String(data.get('label') ?? '').trim();
    const amountCents = toCents(String(data.get('amount') ?? '')) ?? 0;
    if (
      await action.run(
        () => api('/api/v1/admin/finance/cost-lines', { method: 'POST', body: { month, label, amountCents }, locale }),
        t('admin.finance.lineAdded', label),
      )
    ) {
      form.reset();
      await reload();
    }
  }
  async function removeLine(id: string, label: string) {
    if (
      await action.run(
        async () => {
          await api(`/api/v1/admin/finance/cost-lines/${id}`, { method: 'DELETE', locale });
          return true;
        },
        t('admin.finance.lineRemoved', label),
      )
    )
      await reload();
  }

  const money = (cents: number) => formatBRL(cents, locale);
  return (
    <>
      <h1>{t('admin.nav.finance')}</h1>
      <div className="row" style={{ alignItems: 'flex-end', gap: '1rem' }}>
        <div className="field">
          <label htmlFor="finance-month">{t('admin.finance.month')}</label>
          <MonthSelect id="finance-month" value={month} onChange={setMonth} />
        </div>
        {data?.projected ? <StateBadge state="draining" label={t('admin.finance.projected')} /> : null}
      </div>
      <div className="stack" style={{ marginTop: '1rem' }}>
        <ProblemAlert error={error} />
        <ActionResult error={action.error} notice={action.notice} />
        {!data && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {data ? (
          <>
            {data.projected ? (
              <p className="small muted" style={{ margin: 0 }}>
                {t('admin.finance.projectedHint')}
              </p>
            ) : null}
            <div className="stats" data-testid="finance-totals">
              <div className="stat">
                <span className="small muted">{t('admin.finance.revenue')}</span>
                <span className="value" data-testid="finance-revenue">
                  {money(data.revenueCents)}
                </span>
              </div>
              <div className="stat">
                <span className="small muted">{t('admin.finance.refunds')}</span>
                <span className="value">{money(data.refundsCents)}</span>
              </div>
              <div className="stat">
                <span className="small muted">{t('admin.finance.cost')}</span>
                <span className="value" data-testid="finance-cost">
                  {money(data.costCents)}
                </span>
              </div>
              <div className="stat">
                <span className="small muted">{t('admin.finance.margin')}</span>
                <span className={`value${data.marginCents < 0 ? ' negative' : ''}`} data-testid="finance-margin">
                  {money(data.marginCents)}
                </span>
              </div>
            </div>
            <FinanceCharts finance={data} />
            <h2>{t('admin.finance.byPlan')}</h2>
            <div className="card table-scroll" style={{ padding: 0 }}>
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('instances.plan')}</th>
                    <th>{t('admin.finance.revenue')}</th>
                    <th>{t('admin.finance.payments')}</th>
                    <th>{t('admin.finance.allocatedCost')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.byPlan.map((row) => (
                    <tr key={row.planId}>
                      <td>{row.planName}</td>
                      <td>{money(row.revenueCents)}</td>
                      <td>{row.payments}</td>
                      <td>{money(row.allocatedCostCents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h2>{t('admin.finance.byCluster')}</h2>
            <div className="card table-scroll" style={{ padding: 0 }}>
              <table className="table">
                <thead>
                  <tr>
                    <th>{t('admin.instances.cluster')}</th>
                    <th>{t('admin.finance.cost')}</th>
                    <th>{t('admin.finance.activeDays')}</th>
                    <th>{t('admin.finance.idle')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.byCluster.map((row) => (
                    <tr key={row.clusterId}>
                      <td>{row.clusterName}</td>
                      <td>{money(row.costCents)}</td>
                      <td>{row.activeDays}</td>
                      <td>{money(row.idleCostCents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h2>{t('admin.finance.costLines')}</h2>
            <p className="small muted" style={{ margin: 0 }}>
              {t('admin.finance.costLinesHint')}
            </p>
            {data.costLines.length === 0 ? (
              <p className="muted">{t('admin.finance.noLines')}</p>
            ) : (
              <ul className="list">
                {data.costLines.map((line) => (
                  <li key={line.id} className="card row between" style={{ padding: '.5rem 1rem' }}>
                    <span>{line.label}</span>
                    <span className="row">
                      <strong>{money(line.amountCents)}</strong>
                      <button
                        type="button"
                        className="btn small danger"
                        disabled={action.busy}
                        onClick={() => removeLine(line.id, line.label)}
                        aria-label={t('admin.finance.removeLine', line.label)}
                      >
                        {t('common.remove')}
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <form className="card stack" onSubmit={addLine} aria-label={t('admin.finance.addLine')}>
              <div className="form-grid">
                <div className="field">
                  <label htmlFor="line-label">{t('admin.finance.lineLabel')}</label>
                  <input id="line-label" name="label" required maxLength={200} placeholder={t('admin.finance.linePlaceholder')} />
                </div>
                <div className="field">
                  <label htmlFor="line-amount">{t('admin.finance.lineAmount')}</label>
                  <input id="line-amount" name="amount" type="number" min="0" step="0.01" required inputMode="decimal" />
                </div>
              </div>
              <div>
                <button type="submit" className="btn" disabled={action.busy}>
                  {t('admin.finance.addLine')}
                </button>
              </div>
            </form>
          </>
        ) : null}
        <h2>{t('admin.finance.export')}</h2>
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <div className="field">
            <label htmlFor="csv-from">{t('admin.finance.from')}</label>
            <MonthSelect id="csv-from" value={from} onChange={setFrom} />
          </div>
          <div className="field">
            <label htmlFor="csv-to">{t('admin.finance.to')}</label>
            <MonthSelect id="csv-to" value={to} onChange={setTo} />
          </div>
          <a className="btn" href={`/api/v1/admin/finance.csv${query({ from, to })}`} download={`zapdeploy-financeiro-${from}-${to}.csv`}>
            {t('admin.finance.csv')}
          </a>
        </div>
      </div>
    </>
  );
}
