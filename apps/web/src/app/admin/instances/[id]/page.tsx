'use client';

import Link from 'next/link';
import { useParams, useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { hasArea, useAction, useAdmin, useAdminData } from '@/components/admin/admin-context';
import { billingLabel } from '@/components/admin/instance-table';
import { ActionResult, ConfirmDialog } from '@/components/admin/ui';
import { LogTerminal } from '@/components/log-terminal';
import { ProblemAlert } from '@/components/problem-alert';
import { StatusBadge } from '@/components/status-badge';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import type { AdminInstance, AdminInstanceDetail, AdminPlan, Cluster } from '@/lib/admin-api';
import { api, type Plan } from '@/lib/api';
import { formatDate } from '@/lib/format';

const ACTIONS = ['pause', 'resume', 'restart', 'redeploy'] as const;
const KNOWN_STATES = ['running', 'paused', 'deleted'];
const DEPLOY_STATUSES = ['queued', 'building', 'deploying', 'live', 'superseded', 'failed'];

/** The date `days` from today, as an <input type="date"> value. */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** One instance of anyone: facts, actions, move, courtesy plan, deployments and logs. */
export default function AdminInstancePage() {
  const { id } = useParams<{ id: string }>();
  const { t, locale } = useI18n();
  const router = useRouter();
  const me = useAdmin();
  const path = `/api/v1/admin/instances/${encodeURIComponent(id)}`;
  const { data: instance, error, reload, setData } = useAdminData<AdminInstanceDetail>(path);
  const clusters = useAdminData<{ items: Cluster[] }>(hasArea(me, 'clusters') ? '/api/v1/admin/clusters' : undefined);
  const adminPlans = useAdminData<{ items: AdminPlan[] }>(hasArea(me, 'plans') ? '/api/v1/admin/plans' : undefined);
  const publicPlans = useAdminData<Plan[]>(hasArea(me, 'plans') ? undefined : '/api/v1/plans');
  // A courtesy is a paid plan given for free: the free dev plans are not offered.
  const plans = (adminPlans.data?.items.filter((plan) => !plan.archived) ?? publicPlans.data ?? []).filter((plan) => plan.tier !== 'dev');
  const action = useAction();
  const [deleting, setDeleting] = useState(false);
  const [logsKey, setLogsKey] = useState(0);

  /** Where it may move: active clusters other than its own (undefined: the clusters cannot be listed, an id is typed). */
  const targets = clusters.data?.items.filter((cluster) => cluster.status === 'active' && cluster.id !== instance?.clusterId);
  const merge = (updated: AdminInstance) => setData((current) => (current ? { ...current, ...updated } : current));

  async function act(name: (typeof ACTIONS)[number]) {
    const result = await action.run(
      () => api<{ instance: AdminInstance }>(`${path}/${name}`, { method: 'POST', body: {}, locale }),
      t('admin.instances.accepted', t(`instance.${name}` as MessageKey)),
    );
    if (result) merge(result.instance);
  }
  async function move(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const clusterId = String(new FormData(event.currentTarget).get('clusterId') ?? '').trim();
    const name = clusters.data?.items.find((cluster) => cluster.id === clusterId)?.name ?? clusterId;
    if (
      await action.run(() => api(`${path}/move`, { method: 'POST', body: { clusterId }, locale }), t('admin.clusters.moveStarted', instance?.name ?? id, name))
    )
      await reload();
  }
  async function courtesy(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const until = String(form.get('until') ?? '');
    const body = {
      planId: String(form.get('planId') ?? ''),
      until: new Date(`${until}T23:59:59`).toISOString(),
      reason: String(form.get('reason') ?? '').trim(),
    };
    const updated = await action.run(
      () => api<AdminInstance>(`${path}/courtesy`, { method: 'POST', body, locale }),
      t('admin.instances.courtesyGranted', formatDate(body.until, locale)),
    );
    if (updated) merge(updated);
  }

  if (error) return <ProblemAlert error={error} />;
  if (!instance) return <p className="muted">{t('common.loading')}</p>;
  return (
    <>
      <p style={{ margin: '0 0 .5rem' }}>
        <Link href="/admin/instances">{t('admin.instances.back')}</Link>
      </p>
      <div className="row" style={{ marginBottom: '1rem' }}>
        <h1 style={{ margin: 0, overflowWrap: 'anywhere' }}>{instance.name}</h1>
        <StatusBadge status={instance.status} />
      </div>
      <div className="stack">
        <ActionResult error={action.error} notice={action.notice} />
        <div className="card">
          <dl className="facts">
            <dt>ID</dt>
            <dd className="mono">{instance.id}</dd>
            <dt>{t('admin.instances.owner')}</dt>
            <dd>
              {hasArea(me, 'users') ? (
                <Link href={`/admin/users/${instance.ownerId}`}>{instance.guest ? t('admin.users.guestName') : (instance.ownerEmail ?? instance.ownerId)}</Link>
              ) : instance.guest ? (
                t('admin.users.guestName')
              ) : (
                (instance.ownerEmail ?? instance.ownerId)
              )}
            </dd>
            <dt>{t('instances.plan')}</dt>
            <dd>{instance.planName}</dd>
            <dt>{t('admin.instances.billing')}</dt>
            <dd>
              {billingLabel(t, instance)}
              {instance.paidUntil ? ` · ${t('admin.instances.paidUntil', formatDate(instance.paidUntil, locale))}` : ''}
            </dd>
            <dt>{t('admin.instances.cluster')}</dt>
            <dd>
              {instance.clusterName ?? '—'}
              {instance.targetClusterId ? ` → ${clusters.data?.items.find((c) => c.id === instance.targetClusterId)?.name ?? instance.targetClusterId}` : ''}
            </dd>
            {instance.statusReason ? (
              <>
                <dt>{t('admin.instances.reason')}</dt>
                <dd>{instance.statusReason}</dd>
              </>
            ) : null}
            <dt>{t('admin.instances.desired')}</dt>
            <dd>{KNOWN_STATES.includes(instance.desiredState) ? t(`status.${instance.desiredState}` as MessageKey) : instance.desiredState}</dd>
            <dt>{t('instances.repo')}</dt>
            <dd className="mono">
              {instance.repoUrl}
              {instance.branch ? ` · ${instance.branch}` : ''}
            </dd>
            <dt>{t('admin.users.created')}</dt>
            <dd>{formatDate(instance.createdAt, locale)}</dd>
          </dl>
        </div>
        {hasArea(me, 'instances') ? (
          <>
            <div className="row">
              {ACTIONS.map((name) => (
                <button key={name} type="button" className="btn small" disabled={action.busy} onClick={() => act(name)}>
                  {t(`instance.${name}` as MessageKey)}
                </button>
              ))}
              <button type="button" className="btn small danger" onClick={() => setDeleting(true)}>
                {t('instance.delete')}
              </button>
            </div>
            <div className="cards">
              <form className="card stack" onSubmit={move}>
                <h2 style={{ margin: 0 }}>{t('admin.clusters.moveTitle')}</h2>
                <p className="small muted" style={{ margin: 0 }}>
                  {t('admin.clusters.moveHint')}
                </p>
                {targets?.length === 0 ? (
                  <p style={{ margin: 0 }}>{t('admin.instances.noTarget')}</p>
                ) : (
                  <>
                    <div className="field">
                      <label htmlFor="move-target">{t('admin.clusters.moveTarget')}</label>
                      {targets ? (
                        <select id="move-target" name="clusterId" required>
                          {targets.map((cluster) => (
                            <option key={cluster.id} value={cluster.id}>
                              {cluster.name}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <input id="move-target" name="clusterId" required placeholder="clu_…" />
                      )}
                    </div>
                    <div>
                      <button type="submit" className="btn" disabled={action.busy}>
                        {t('admin.clusters.move')}
                      </button>
                    </div>
                  </>
                )}
              </form>
              <form className="card stack" onSubmit={courtesy}>
                <h2 style={{ margin: 0 }}>{t('admin.instances.courtesy')}</h2>
                <p className="small muted" style={{ margin: 0 }}>
                  {t('admin.instances.courtesyHint')}
                </p>
                <div className="field">
                  <label htmlFor="courtesy-plan">{t('instances.plan')}</label>
                  <select id="courtesy-plan" name="planId" key={plans.map((plan) => plan.id).join()} defaultValue={instance.planId}>
                    {plans.map((plan) => (
                      <option key={plan.id} value={plan.id}>
                        {plan.name}
                      </option>
                    ))}
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="courtesy-until">{t('admin.instances.until')}</label>
                  <input id="courtesy-until" name="until" type="date" required min={dayFromNow(1)} max={dayFromNow(365)} defaultValue={dayFromNow(30)} />
                </div>
                <div className="field">
                  <label htmlFor="courtesy-reason">{t('admin.users.reason')}</label>
                  <textarea id="courtesy-reason" name="reason" required minLength={3} maxLength={500} rows={2} />
                </div>
                <div>
                  <button type="submit" className="btn" disabled={action.busy}>
                    {t('admin.instances.courtesyGrant')}
                  </button>
                </div>
              </form>
            </div>
          </>
        ) : null}
        <h2>{t('instance.tabs.deploys')}</h2>
        {instance.deployments.length === 0 ? (
          <p className="muted">{t('instance.noDeploys')}</p>
        ) : (
          <div className="card table-scroll" style={{ padding: 0 }}>
            <table className="table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('admin.instances.status')}</th>
                  <th>{t('admin.instances.trigger')}</th>
                  <th>Commit</th>
                  <th>{t('admin.users.created')}</th>
                  <th>{t('admin.instances.finished')}</th>
                </tr>
              </thead>
              <tbody>
                {instance.deployments.map((deployment) => (
                  <tr key={deployment.id}>
                    <td>{deployment.number}</td>
                    <td className="wrap">
                      {DEPLOY_STATUSES.includes(deployment.status) ? t(`deploy.${deployment.status}` as MessageKey) : deployment.status}
                      {deployment.error ? (
                        <span className="small" style={{ color: 'var(--danger)' }}>
                          {' '}
                          · {deployment.error}
                        </span>
                      ) : null}
                    </td>
                    <td>{deployment.trigger}</td>
                    <td className="mono">{deployment.commitSha?.slice(0, 8) ?? '—'}</td>
                    <td>{formatDate(deployment.createdAt, locale)}</td>
                    <td>{deployment.finishedAt ? formatDate(deployment.finishedAt, locale) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="row between">
          <h2>{t('instance.tabs.logs')}</h2>
          <button type="button" className="btn small" onClick={() => setLogsKey(logsKey + 1)}>
            {t('admin.refresh')}
          </button>
        </div>
        <LogTerminal key={logsKey} url={`${path}/logs`} live={false} fileName={`${instance.name}.log`} />
      </div>
      <ConfirmDialog
        open={deleting}
        title={t('instance.deleteTitle')}
        body={t('instance.deleteBody', instance.name)}
        confirmLabel={t('instance.deleteConfirm')}
        typed={instance.name}
        danger
        onCancel={() => setDeleting(false)}
        onConfirm={async () => {
          setDeleting(false);
          if (
            await action.run(async () => {
              await api(path, { method: 'DELETE', locale });
              return true;
            })
          )
            router.push('/admin/instances');
        }}
      />
    </>
  );
}
