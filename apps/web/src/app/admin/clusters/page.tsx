'use client';

import { type FormEvent, useState } from 'react';
import { useAction, useAdminData } from '@/components/admin/admin-context';
import { ActionResult, ConfirmDialog, centsToReais, Meter, StateBadge, toCents } from '@/components/admin/ui';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import type { Cluster, DrainReport } from '@/lib/admin-api';
import { api } from '@/lib/api';
import { formatBRL, formatDate, formatNumber } from '@/lib/format';

type Confirm = { kind: 'drain' | 'remove'; cluster: Cluster } | undefined;

/** Every cluster with its capacity and cost; add, edit, cordon/uncordon, drain, remove; move an instance. */
export default function ClustersPage() {
  const { t, locale } = useI18n();
  const { data, error, reload } = useAdminData<{ items: Cluster[] }>('/api/v1/admin/clusters');
  const action = useAction();
  const [editing, setEditing] = useState<string>();
  const [adding, setAdding] = useState(false);
  const [confirm, setConfirm] = useState<Confirm>();
  const [drain, setDrain] = useState<{ cluster: string; report: DrainReport }>();

  const patch = (cluster: Cluster, body: Record<string, unknown>, success: string) =>
    action.run(async () => {
      const updated = await api<Cluster & { drain?: DrainReport }>(`/api/v1/admin/clusters/${cluster.id}`, { method: 'PATCH', body, locale });
      if (updated.drain) setDrain({ cluster: updated.name, report: updated.drain });
      await reload();
      return updated;
    }, success);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const body = {
      name: text('name'),
      kind: text('kind'),
      region: text('region'),
      credentials: String(form.get('credentials') ?? ''),
      ...(text('registry') ? { registry: text('registry') } : {}),
      ...(text('storageClass') ? { storageClass: text('storageClass') } : {}),
      monthlyCostCents: toCents(text('cost')) ?? 0,
    };
    const created = await action.run(() => api<Cluster>('/api/v1/admin/clusters', { method: 'POST', body, locale }), t('admin.clusters.added', body.name));
    if (created) {
      setAdding(false);
      await reload();
    }
  }

  async function save(cluster: Cluster, event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const body: Record<string, unknown> = {};
    if (text('name') !== cluster.name) body.name = text('name');
    if (text('region') !== cluster.region) body.region = text('region');
    const cost = toCents(text('cost'));
    if (cost !== undefined && cost !== cluster.monthlyCostCents) body.monthlyCostCents = cost;
    if (String(form.get('credentials') ?? '') !== '') body.credentials = String(form.get('credentials'));
    if (cluster.kind === 'kubernetes') {
      if ((text('registry') || null) !== cluster.registry) body.registry = text('registry') || null;
      if ((text('storageClass') || null) !== cluster.storageClass) body.storageClass = text('storageClass') || null;
    }
    if (Object.keys(body).length === 0) {
      setEditing(undefined);
      return;
    }
    if (await patch(cluster, body, t('common.saved'))) setEditing(undefined);
  }

  async function move(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const instanceId = String(form.get('instanceId') ?? '').trim();
    const clusterId = String(form.get('clusterId') ?? '');
    const target = data?.items.find((cluster) => cluster.id === clusterId)?.name ?? clusterId;
    await action.run(
      () => api(`/api/v1/admin/instances/${encodeURIComponent(instanceId)}/move`, { method: 'POST', body: { clusterId }, locale }),
      t('admin.clusters.moveStarted', instanceId, target),
    );
    await reload();
  }

  return (
    <>
      <div className="row between">
        <h1 style={{ margin: 0 }}>{t('admin.nav.clusters')}</h1>
        <button type="button" className="btn primary" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          {t('admin.clusters.add')}
        </button>
      </div>
      <div className="stack" style={{ marginTop: '1rem' }}>
        <ActionResult error={action.error} notice={action.notice} />
        {drain ? (
          <div className="alert info" role="status" data-testid="drain-report">
            {t('admin.clusters.drainReport', drain.cluster, drain.report.moves.length, drain.report.stuck.length)}
            {drain.report.stuck.length > 0 ? <span className="mono"> ({drain.report.stuck.join(', ')})</span> : null}
          </div>
        ) : null}
        {adding ? (
          <form className="card stack" onSubmit={create} aria-labelledby="add-cluster">
            <h2 id="add-cluster" style={{ margin: 0 }}>
              {t('admin.clusters.add')}
            </h2>
            <ClusterFields />
            <div className="row">
              <button type="submit" className="btn primary" disabled={action.busy}>
                {action.busy ? t('admin.clusters.connecting') : t('admin.clusters.addSubmit')}
              </button>
              <button type="button" className="btn" onClick={() => setAdding(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : null}
        <ProblemAlert error={error} />
        {!data && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {data?.items.length === 0 ? <p className="muted">{t('admin.clusters.none')}</p> : null}
        <ul className="list">
          {data?.items.map((cluster) => (
            <li key={cluster.id} className="card stack" data-testid={`cluster-${cluster.name}`}>
              <div className="row between">
                <div>
                  <strong style={{ fontSize: '1.1rem' }}>{cluster.name}</strong>{' '}
                  <span className="muted small">
                    {t(`admin.clusters.kind.${cluster.kind}` as MessageKey)} · {cluster.region}
                  </span>
                </div>
                <StateBadge state={cluster.status} label={t(`admin.clusters.status.${cluster.status}` as MessageKey)} />
              </div>
              <div className="metrics">
                <div>
                  <div className="small muted">{t('admin.clusters.memory')}</div>
                  <div className="small">
                    {t(
                      'admin.clusters.usage',
                      formatNumber(cluster.requested.memoryMb, locale, 0),
                      cluster.allocatable ? formatNumber(cluster.allocatable.memoryMb, locale, 0) : '—',
                      'MB',
                    )}
                  </div>
                  <Meter used={cluster.requested.memoryMb} total={cluster.allocatable?.memoryMb} />
                </div>
                <div>
                  <div className="small muted">{t('admin.clusters.cpu')}</div>
                  <div className="small">
                    {t(
                      'admin.clusters.usage',
                      formatNumber(cluster.requested.cpuMillis / 1000, locale),
                      cluster.allocatable ? formatNumber(cluster.allocatable.cpuMillis / 1000, locale) : '—',
                      'vCPU',
                    )}
                  </div>
                  <Meter used={cluster.requested.cpuMillis} total={cluster.allocatable?.cpuMillis} />
                </div>
                <div>
                  <div className="small muted">{t('admin.clusters.instances')}</div>
                  <strong>{cluster.instanceCount}</strong>
                </div>
                <div>
                  <div className="small muted">{t('admin.clusters.cost')}</div>
                  <strong>{t('admin.perMonth', formatBRL(cluster.monthlyCostCents, locale))}</strong>
                </div>
              </div>
              <p className="small muted" style={{ margin: 0 }}>
                {cluster.lastCheckedAt ? t('admin.clusters.checked', formatDate(cluster.lastCheckedAt, locale)) : t('admin.clusters.neverChecked')}
              </p>
              {cluster.lastError ? (
                <div className="alert error small" role="note">
                  {t('admin.clusters.lastError', cluster.lastError.detail)}
                </div>
              ) : null}
              {editing === cluster.id ? (
                <form className="stack" onSubmit={(event) => save(cluster, event)} aria-label={t('admin.clusters.editTitle', cluster.name)}>
                  <ClusterFields cluster={cluster} />
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
                  {cluster.kind !== 'process' ? (
                    <button type="button" className="btn small" onClick={() => setEditing(cluster.id)}>
                      {t('admin.edit')}
                    </button>
                  ) : (
                    <button type="button" className="btn small" onClick={() => setEditing(cluster.id)}>
                      {t('admin.clusters.editCost')}
                    </button>
                  )}
                  {cluster.status === 'active' ? (
                    <button
                      type="button"
                      className="btn small"
                      disabled={action.busy}
                      onClick={() => patch(cluster, { status: 'cordoned' }, t('admin.clusters.cordoned', cluster.name))}
                    >
                      {t('admin.clusters.cordon')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn small"
                      disabled={action.busy}
                      onClick={() => patch(cluster, { status: 'active' }, t('admin.clusters.uncordoned', cluster.name))}
                    >
                      {t('admin.clusters.uncordon')}
                    </button>
                  )}
                  {cluster.status !== 'draining' ? (
                    <button type="button" className="btn small" onClick={() => setConfirm({ kind: 'drain', cluster })}>
                      {t('admin.clusters.drain')}
                    </button>
                  ) : null}
                  <button type="button" className="btn small danger" onClick={() => setConfirm({ kind: 'remove', cluster })}>
                    {t('common.remove')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
        {data && data.items.length > 0 ? (
          <form className="card stack" onSubmit={move} aria-labelledby="move-title">
            <h2 id="move-title" style={{ margin: 0 }}>
              {t('admin.clusters.moveTitle')}
            </h2>
            <p className="small muted" style={{ margin: 0 }}>
              {t('admin.clusters.moveHint')}
            </p>
            <div className="form-grid">
              <div className="field">
                <label htmlFor="move-instance">{t('admin.clusters.moveInstance')}</label>
                <input id="move-instance" name="instanceId" required placeholder="ins_…" autoComplete="off" />
              </div>
              <div className="field">
                <label htmlFor="move-cluster">{t('admin.clusters.moveTarget')}</label>
                <select id="move-cluster" name="clusterId" required>
                  {data.items
                    .filter((cluster) => cluster.status === 'active')
                    .map((cluster) => (
                      <option key={cluster.id} value={cluster.id}>
                        {cluster.name}
                      </option>
                    ))}
                </select>
              </div>
            </div>
            <div>
              <button type="submit" className="btn" disabled={action.busy}>
                {t('admin.clusters.move')}
              </button>
            </div>
          </form>
        ) : null}
      </div>
      <ConfirmDialog
        open={confirm?.kind === 'drain'}
        title={t('admin.clusters.drainTitle', confirm?.cluster.name ?? '')}
        body={t('admin.clusters.drainBody')}
        confirmLabel={t('admin.clusters.drain')}
        onCancel={() => setConfirm(undefined)}
        onConfirm={() => {
          const cluster = confirm?.cluster;
          setConfirm(undefined);
          if (cluster) void patch(cluster, { status: 'draining' }, t('admin.clusters.draining', cluster.name));
        }}
      />
      <ConfirmDialog
        open={confirm?.kind === 'remove'}
        title={t('admin.clusters.removeTitle', confirm?.cluster.name ?? '')}
        body={t('admin.clusters.removeBody', confirm?.cluster.name ?? '')}
        confirmLabel={t('common.remove')}
        typed={confirm?.cluster.name ?? ''}
        danger
        onCancel={() => setConfirm(undefined)}
        onConfirm={() => {
          const cluster = confirm?.cluster;
          setConfirm(undefined);
          if (cluster)
            void action.run(
              async () => {
                await api(`/api/v1/admin/clusters/${cluster.id}`, { method: 'DELETE', locale });
                await reload();
              },
              t('admin.clusters.removed', cluster.name),
            );
        }}
      />
    </>
  );
}

/** The fields of a cluster: all of them to add one; to edit, what may change (credentials only when typed). */
function ClusterFields({ cluster }: { cluster?: Cluster }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<string>(cluster?.kind ?? 'docker');
  const prefix = cluster ? `edit-${cluster.id}` : 'new';
  const local = cluster?.kind === 'process';
  return (
    <div className="form-grid">
      {local ? null : (
        <>
          <div className="field">
            <label htmlFor={`${prefix}-name`}>{t('admin.clusters.name')}</label>
            <input id={`${prefix}-name`} name="name" required defaultValue={cluster?.name} placeholder="sp-1" autoComplete="off" />
          </div>
          {cluster ? null : (
            <div className="field">
              <label htmlFor={`${prefix}-kind`}>{t('admin.clusters.kindLabel')}</label>
              <select id={`${prefix}-kind`} name="kind" value={kind} onChange={(event) => setKind(event.target.value)}>
                <option value="docker">{t('admin.clusters.kind.docker')}</option>
                <option value="kubernetes">{t('admin.clusters.kind.kubernetes')}</option>
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={`${prefix}-region`}>{t('admin.clusters.region')}</label>
            <input id={`${prefix}-region`} name="region" required defaultValue={cluster?.region} placeholder="sa-east-1" />
          </div>
        </>
      )}
      {local ? (
        <>
          <input type="hidden" name="name" value={cluster.name} />
          <input type="hidden" name="region" value={cluster.region} />
        </>
      ) : null}
      <div className="field">
        <label htmlFor={`${prefix}-cost`}>{t('admin.clusters.costLabel')}</label>
        <input
          id={`${prefix}-cost`}
          name="cost"
          type="number"
          min="0"
          step="0.01"
          inputMode="decimal"
          defaultValue={cluster ? centsToReais(cluster.monthlyCostCents) : ''}
          placeholder="0,00"
        />
      </div>
      {kind === 'kubernetes' ? (
        <>
          <div className="field">
            <label htmlFor={`${prefix}-registry`}>{t('admin.clusters.registry')}</label>
            <input id={`${prefix}-registry`} name="registry" defaultValue={cluster?.registry ?? ''} placeholder="registry.example.com:5000/zapdeploy" />
          </div>
          <div className="field">
            <label htmlFor={`${prefix}-storage`}>{t('admin.clusters.storageClass')}</label>
            <input id={`${prefix}-storage`} name="storageClass" defaultValue={cluster?.storageClass ?? ''} />
          </div>
        </>
      ) : null}
      {local ? null : (
        <div className="field wide">
          <label htmlFor={`${prefix}-credentials`}>{kind === 'kubernetes' ? t('admin.clusters.kubeconfig') : t('admin.clusters.endpoint')}</label>
          <textarea
            id={`${prefix}-credentials`}
            name="credentials"
            required={!cluster}
            rows={kind === 'kubernetes' ? 6 : 1}
            className="mono"
            placeholder={kind === 'kubernetes' ? 'apiVersion: v1\nkind: Config\n…' : 'unix:///var/run/docker.sock'}
            autoComplete="off"
            spellCheck={false}
          />
          <span className="hint">{cluster ? t('admin.clusters.credentialsKeep') : t('admin.clusters.credentialsHint')}</span>
        </div>
      )}
    </div>
  );
}
