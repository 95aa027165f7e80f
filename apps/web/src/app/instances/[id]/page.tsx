'use client';

import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { BillingPanel } from '@/components/billing-panel';
import { DeleteDialog } from '@/components/delete-dialog';
import { type EnvRow, EnvRows, rowsToEnv } from '@/components/env-rows';
import { LogTerminal } from '@/components/log-terminal';
import { ProblemAlert } from '@/components/problem-alert';
import { StatusBadge } from '@/components/status-badge';
import { WhatsappPanel } from '@/components/whatsapp-panel';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import { ApiProblem, api, type Deployment, type Instance, type Plan } from '@/lib/api';
import { formatBRL, formatDate } from '@/lib/format';
import { type StatusEvent, useStatusEvents } from '@/lib/use-events';
import { useMe } from '@/lib/use-me';

type Tab = 'logs' | 'deploys' | 'env' | 'whatsapp' | 'billing';
const TABS: readonly Tab[] = ['logs', 'deploys', 'env', 'whatsapp', 'billing'];
const PAYMENT_HOLDS = new Set(['awaiting_payment', 'payment_overdue']);

export default function InstancePage() {
  const { t, locale } = useI18n();
  const { id } = useParams<{ id: string }>();
  const router = useRouter();
  const me = useMe();
  const [instance, setInstance] = useState<Instance>();
  const [plans, setPlans] = useState<Plan[]>([]);
  const [error, setError] = useState<unknown>();
  const [notFound, setNotFound] = useState(false);
  const [tab, setTab] = useState<Tab>('logs');
  // On a phone the tab bar scrolls sideways: keep the open tab in view (e.g. after "Pagar plano").
  useEffect(() => {
    const button = document.getElementById(`tab-${tab}`);
    const bar = button?.parentElement;
    if (!button || !bar) return;
    const [at, within] = [button.getBoundingClientRect(), bar.getBoundingClientRect()];
    // Sideways only: the page itself does not move.
    if (at.left < within.left || at.right > within.right) bar.scrollLeft += at.left - within.left - 16;
  }, [tab]);
  // ?tab=billing (after creating a paid instance) or ?checkout=… (back from Mercado Pago) opens that tab.
  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    const asked = query.get('tab') as Tab | null;
    if (asked && TABS.includes(asked)) setTab(asked);
    else if (query.get('checkout')) setTab('billing');
  }, []);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [planId, setPlanId] = useState('');

  const load = useCallback(async () => {
    try {
      const value = await api<Instance>(`/api/v1/instances/${id}`, { locale });
      setInstance(value);
      setPlanId((current) => current || value.planId);
    } catch (problem) {
      if (problem instanceof ApiProblem && problem.status === 404) setNotFound(true);
      else if (problem instanceof ApiProblem && problem.status === 401) router.replace('/login');
      else setError(problem);
    }
  }, [id, locale, router]);

  useEffect(() => {
    void load();
    api<Plan[]>('/api/v1/plans').then(setPlans, () => undefined);
  }, [load]);

  const onEvent = useCallback(
    (event: StatusEvent) => {
      if (event.instanceId === id) void load();
    },
    [id, load],
  );
  useStatusEvents(onEvent, instance !== undefined);

  async function act(path: string, init: { method?: string; body?: unknown } = { method: 'POST', body: {} }) {
    setBusy(true);
    setError(undefined);
    try {
      await api(`/api/v1/instances/${id}${path}`, { ...init, locale });
      await load();
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  if (notFound) {
    return (
      <div className="stack">
        <h1>404</h1>
        <div className="alert error" role="alert">
          {locale === 'en' ? 'Instance not found.' : locale === 'es' ? 'Instancia no encontrada.' : 'Instância não encontrada.'}
        </div>
        <Link href="/instances">{t('instance.back')}</Link>
      </div>
    );
  }
  if (!instance) return error ? <ProblemAlert error={error} /> : <p className="muted">{t('common.loading')}</p>;

  const paused = instance.desiredState === 'paused';
  const plan = plans.find((p) => p.id === instance.planId);
  const tabs: [Tab, MessageKey][] = [
    ['logs', 'instance.tabs.logs'],
    ['deploys', 'instance.tabs.deploys'],
    ['env', 'instance.tabs.env'],
    ['whatsapp', 'instance.tabs.whatsapp'],
    ['billing', 'instance.tabs.billing'],
  ];
  const heldForPayment = PAYMENT_HOLDS.has(instance.statusReason ?? '');

  return (
    <>
      <p style={{ marginTop: 0 }}>
        <Link href="/instances">← {t('instance.back')}</Link>
      </p>
      <div className="row between">
        <h1 style={{ margin: 0, overflowWrap: 'anywhere' }}>{instance.name}</h1>
        <span aria-live="polite">
          <StatusBadge status={instance.status} />
        </span>
      </div>
      {instance.statusDetail ? (
        <p className={instance.status === 'crashed' || instance.status === 'failed' ? 'alert error' : 'alert info'} style={{ marginTop: '.75rem' }}>
          {instance.statusDetail}
        </p>
      ) : null}
      <p className="small muted mono" style={{ overflowWrap: 'anywhere' }}>
        {instance.repoUrl}
        {instance.branch ? ` · ${instance.branch}` : ''}
        {instance.rootDir ? ` · /${instance.rootDir}` : ''}
        {plan ? ` · ${plan.name}` : ''}
      </p>
      <section className="card stack" aria-labelledby="actions-title">
        <h2 id="actions-title" style={{ margin: 0, fontSize: '1rem' }}>
          {t('instance.actions')}
        </h2>
        <div className="row">
          {heldForPayment ? (
            <button type="button" className="btn primary" onClick={() => setTab('billing')}>
              {t('instance.payNow')}
            </button>
          ) : paused ? (
            <button type="button" className="btn primary" disabled={busy} onClick={() => act('/resume')}>
              {t('instance.resume')}
            </button>
          ) : (
            <button type="button" className="btn" disabled={busy} onClick={() => act('/pause')}>
              {t('instance.pause')}
            </button>
          )}
          <button type="button" className="btn" disabled={busy || paused} onClick={() => act('/restart')}>
            {t('instance.restart')}
          </button>
          <button type="button" className="btn" disabled={busy || heldForPayment} onClick={() => act('/redeploy')}>
            {t('instance.redeploy')}
          </button>
          <button type="button" className="btn danger" disabled={busy} onClick={() => setDeleting(true)}>
            {t('instance.delete')}
          </button>
        </div>
        {me && !me.user.isGuest ? (
          <div className="row">
            <label htmlFor="plan" style={{ margin: 0 }}>
              {t('instance.changePlan')}
            </label>
            <select id="plan" value={planId} onChange={(e) => setPlanId(e.target.value)} style={{ width: 'auto' }}>
              {plans.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} — {p.priceCents === 0 ? t('landing.plans.free') : formatBRL(p.priceCents, locale)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="btn small"
              disabled={busy || planId === instance.planId}
              onClick={() => act('', { method: 'PATCH', body: { planId } })}
            >
              {t('instance.apply')}
            </button>
          </div>
        ) : null}
        <ProblemAlert error={error} />
      </section>
      <div className="tabs" role="tablist" aria-label={instance.name}>
        {tabs.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            id={`tab-${value}`}
            aria-controls={`panel-${value}`}
            aria-selected={tab === value}
            onClick={() => setTab(value)}
          >
            {t(label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'logs' ? <LogTerminal url={`/api/v1/instances/${id}/logs`} live fileName={`${instance.name}.log`} /> : null}
        {tab === 'deploys' ? <Deploys instanceId={id} /> : null}
        {tab === 'env' ? <EnvPanel instance={instance} onSaved={load} /> : null}
        {tab === 'whatsapp' ? <WhatsappPanel instanceId={id} /> : null}
        {tab === 'billing' ? <BillingPanel instance={instance} plans={plans} isGuest={me?.user.isGuest ?? true} onPaid={() => void load()} /> : null}
      </div>
      <DeleteDialog
        name={instance.name}
        open={deleting}
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          setDeleting(false);
          await act('', { method: 'DELETE' });
          router.push('/instances');
        }}
      />
    </>
  );
}

function Deploys({ instanceId }: { instanceId: string }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<Deployment[]>();
  const [open, setOpen] = useState<string>();
  useEffect(() => {
    api<{ items: Deployment[] }>(`/api/v1/instances/${instanceId}/deployments`).then(
      (page) => {
        setItems(page.items);
        setOpen((current) => current ?? page.items[0]?.id);
      },
      () => setItems([]),
    );
  }, [instanceId]);
  if (!items) return <p className="muted">{t('common.loading')}</p>;
  if (items.length === 0) return <p className="muted">{t('instance.noDeploys')}</p>;
  return (
    <ul className="list">
      {items.map((deployment) => (
        <li key={deployment.id} className="card stack">
          <div className="row between">
            <strong>{t('instance.deployNumber', deployment.number)}</strong>
            <span className="small muted">
              {t(`deploy.${deployment.status}` as MessageKey)} · {formatDate(deployment.createdAt, locale)}
              {deployment.commitSha ? ` · ${t('instance.deployCommit', deployment.commitSha.slice(0, 7))}` : ''}
            </span>
          </div>
          {deployment.error ? <p className="alert error small">{deployment.error}</p> : null}
          {open === deployment.id ? (
            <LogTerminal url={`/api/v1/deployments/${deployment.id}/logs`} live={false} fileName={`deploy-${deployment.number}.log`} />
          ) : (
            <div>
              <button type="button" className="btn small" onClick={() => setOpen(deployment.id)}>
                {t('instance.deployLogs')}
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function EnvPanel({ instance, onSaved }: { instance: Instance; onSaved: () => Promise<void> }) {
  const { t, locale } = useI18n();
  const [rows, setRows] = useState<EnvRow[]>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<{ env: Record<string, string> }>(`/api/v1/instances/${instance.id}/env`).then(
      (result) => setRows(Object.entries(result.env).map(([key, value]) => ({ key, value, visible: false }))),
      setError,
    );
  }, [instance.id]);
  if (!rows) return error ? <ProblemAlert error={error} /> : <p className="muted">{t('common.loading')}</p>;
  return (
    <form
      className="card stack"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(undefined);
        setSaved(false);
        try {
          await api(`/api/v1/instances/${instance.id}`, { method: 'PATCH', body: { env: rowsToEnv(rows) }, locale });
          setSaved(true);
          await onSaved();
        } catch (problem) {
          setError(problem);
        }
      }}
    >
      <p className="hint" style={{ margin: 0 }}>
        {t('new.envHint')}
      </p>
      <EnvRows rows={rows} onChange={setRows} idPrefix="env" />
      <ProblemAlert error={error} />
      {saved ? (
        <p className="alert ok" role="status">
          {t('common.saved')}
        </p>
      ) : null}
      <div>
        <button type="submit" className="btn primary">
          {t('env.saveRestart')}
        </button>
      </div>
    </form>
  );
}
