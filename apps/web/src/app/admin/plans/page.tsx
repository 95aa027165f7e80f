'use client';

import { type FormEvent, useState } from 'react';
import { useAction, useAdminData } from '@/components/admin/admin-context';
import { ActionResult, centsToReais, StateBadge, toCents } from '@/components/admin/ui';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import type { AdminPlan } from '@/lib/admin-api';
import { api } from '@/lib/api';
import { formatBRL, formatNumber } from '@/lib/format';

type Saved = AdminPlan & { appliesFrom?: { price: string; limits: string } };

/** Plans with their live instances and MRR; create, edit (when changes apply is said), archive. */
export default function PlansPage() {
  const { t, locale } = useI18n();
  const { data, error, reload } = useAdminData<{ items: AdminPlan[] }>('/api/v1/admin/plans');
  const action = useAction();
  const [editing, setEditing] = useState<string>();
  const [adding, setAdding] = useState(false);

  function fields(form: FormData) {
    const int = (name: string) => Number(String(form.get(name) ?? '').trim());
    return {
      name: String(form.get('name') ?? '').trim(),
      priceCents: toCents(String(form.get('price') ?? '')) ?? 0,
      cpuMillis: Math.round(Number(String(form.get('cpu') ?? '0').replace(',', '.')) * 1000),
      memoryMb: int('memoryMb'),
      diskMb: int('diskMb'),
      sortOrder: int('sortOrder'),
    };
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = { slug: String(form.get('slug') ?? '').trim(), tier: String(form.get('tier') ?? 'production'), ...fields(form) };
    if (await action.run(() => api<AdminPlan>('/api/v1/admin/plans', { method: 'POST', body, locale }), t('admin.plans.created', body.name))) {
      setAdding(false);
      await reload();
    }
  }

  async function save(plan: AdminPlan, event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = fields(new FormData(event.currentTarget));
    const body = Object.fromEntries(Object.entries(next).filter(([key, value]) => plan[key as keyof AdminPlan] !== value));
    if (Object.keys(body).length === 0) {
      setEditing(undefined);
      return;
    }
    const priceChanged = 'priceCents' in body;
    const limitsChanged = 'cpuMillis' in body || 'memoryMb' in body || 'diskMb' in body;
    const saved = await action.run(() => api<Saved>(`/api/v1/admin/plans/${plan.id}`, { method: 'PATCH', body, locale }));
    if (saved) {
      action.setNotice(
        [t('admin.plans.saved', saved.name), priceChanged ? t('admin.plans.priceApplies') : '', limitsChanged ? t('admin.plans.limitsApply') : '']
          .filter(Boolean)
          .join(' '),
      );
      setEditing(undefined);
      await reload();
    }
  }

  async function archive(plan: AdminPlan, archived: boolean) {
    if (
      await action.run(
        () => api<AdminPlan>(`/api/v1/admin/plans/${plan.id}`, { method: 'PATCH', body: { archived }, locale }),
        archived ? t('admin.plans.archivedNotice', plan.name) : t('admin.plans.restoredNotice', plan.name),
      )
    )
      await reload();
  }

  const total = data?.items.reduce((sum, plan) => sum + plan.mrrCents, 0) ?? 0;
  return (
    <>
      <div className="row between">
        <h1 style={{ margin: 0 }}>{t('admin.nav.plans')}</h1>
        <button type="button" className="btn primary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {t('admin.plans.create')}
        </button>
      </div>
      <div className="stack" style={{ marginTop: '1rem' }}>
        <div className="alert info small" role="note">
          {t('admin.plans.whenApplies')}
        </div>
        <ActionResult error={action.error} notice={action.notice} />
        {adding ? (
          <form className="card stack" onSubmit={create} aria-labelledby="new-plan">
            <h2 id="new-plan" style={{ margin: 0 }}>
              {t('admin.plans.create')}
            </h2>
            <div className="form-grid">
              <div className="field">
                <label htmlFor="new-slug">{t('admin.plans.slug')}</label>
                <input id="new-slug" name="slug" required pattern="[a-z0-9][a-z0-9-]*" placeholder="bot-max" autoComplete="off" />
              </div>
              <div className="field">
                <label htmlFor="new-tier">{t('admin.plans.tier')}</label>
                <select id="new-tier" name="tier" defaultValue="production">
                  <option value="production">{t('admin.plans.tier.production')}</option>
                  <option value="dev">{t('admin.plans.tier.dev')}</option>
                </select>
              </div>
              <PlanFields prefix="new" />
            </div>
            <div className="row">
              <button type="submit" className="btn primary" disabled={action.busy}>
                {t('admin.plans.createSubmit')}
              </button>
              <button type="button" className="btn" onClick={() => setAdding(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : null}
        <ProblemAlert error={error} />
        {!data && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {data ? (
          <p style={{ margin: 0 }}>
            {t('admin.plans.totalMrr')} <strong data-testid="total-mrr">{formatBRL(total, locale)}</strong>
          </p>
        ) : null}
        <ul className="list">
          {data?.items.map((plan) => (
            <li key={plan.id} className="card stack" data-testid={`plan-${plan.slug}`}>
              <div className="row between">
                <div>
                  <strong style={{ fontSize: '1.1rem' }}>{plan.name}</strong> <span className="muted small mono">{plan.slug}</span>
                </div>
                <div className="row">
                  <span className="muted small">{t(`admin.plans.tier.${plan.tier}`)}</span>
                  {plan.archived ? <StateBadge state="archived" label={t('admin.plans.archived')} /> : null}
                </div>
              </div>
              <div className="metrics">
                <div>
                  <div className="small muted">{t('admin.plans.price')}</div>
                  <strong>{plan.priceCents === 0 ? t('landing.plans.free') : t('admin.perMonth', formatBRL(plan.priceCents, locale))}</strong>
                </div>
                <div>
                  <div className="small muted">{t('admin.plans.limits')}</div>
                  <span>
                    <span className="nowrap">{formatNumber(plan.cpuMillis / 1000, locale)} vCPU</span> · <span className="nowrap">{plan.memoryMb} MB</span> ·{' '}
                    <span className="nowrap">{formatNumber(plan.diskMb / 1024, locale, 1)} GB</span>
                  </span>
                </div>
                <div>
                  <div className="small muted">{t('admin.plans.activeInstances')}</div>
                  <strong>{plan.activeInstances}</strong>
                </div>
                <div>
                  <div className="small muted">{t('admin.plans.mrr')}</div>
                  <strong>{formatBRL(plan.mrrCents, locale)}</strong>
                </div>
              </div>
              {editing === plan.id ? (
                <form className="stack" onSubmit={(event) => save(plan, event)} aria-label={t('admin.plans.editTitle', plan.name)}>
                  <div className="form-grid">
                    <PlanFields prefix={`edit-${plan.id}`} plan={plan} />
                  </div>
                  <p className="hint" style={{ margin: 0 }}>
                    {t('admin.plans.priceApplies')} {t('admin.plans.limitsApply')}
                  </p>
                  <div className="row">
                    <button type="submit" className="btn primary" disabled={action.busy}>
                      {t('common.save')}
                    </button>
                    <button type="button" className="btn" onClick={() => setEditing(undefined)}>
                      {t('common.cancel')}
                    </button>
                  </div>
                </form>
              ) : (
                <div className="row">
                  <button type="button" className="btn small" onClick={() => setEditing(plan.id)}>
                    {t('admin.edit')}
                  </button>
                  {plan.archived ? (
                    <button type="button" className="btn small" disabled={action.busy} onClick={() => archive(plan, false)}>
                      {t('admin.plans.restore')}
                    </button>
                  ) : (
                    <button type="button" className="btn small" disabled={action.busy} onClick={() => archive(plan, true)}>
                      {t('admin.plans.archive')}
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}

function PlanFields({ prefix, plan }: { prefix: string; plan?: AdminPlan }) {
  const { t } = useI18n();
  return (
    <>
      <div className="field">
        <label htmlFor={`${prefix}-name`}>{t('admin.plans.name')}</label>
        <input id={`${prefix}-name`} name="name" required defaultValue={plan?.name} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-price`}>{t('admin.plans.priceLabel')}</label>
        <input id={`${prefix}-price`} name="price" type="number" min="0" step="0.01" required defaultValue={plan ? centsToReais(plan.priceCents) : ''} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-cpu`}>{t('admin.plans.cpu')}</label>
        <input id={`${prefix}-cpu`} name="cpu" type="number" min="0.01" step="0.01" required defaultValue={plan ? plan.cpuMillis / 1000 : ''} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-memory`}>{t('admin.plans.memory')}</label>
        <input id={`${prefix}-memory`} name="memoryMb" type="number" min="1" step="1" required defaultValue={plan?.memoryMb} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-disk`}>{t('admin.plans.disk')}</label>
        <input id={`${prefix}-disk`} name="diskMb" type="number" min="1" step="1" required defaultValue={plan?.diskMb} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-order`}>{t('admin.plans.sortOrder')}</label>
        <input id={`${prefix}-order`} name="sortOrder" type="number" step="1" defaultValue={plan?.sortOrder ?? 0} />
      </div>
    </>
  );
}
