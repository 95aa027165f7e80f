'use client';

import { type FormEvent, useEffect, useState } from 'react';
import { hasArea, useAdmin, useAdminData } from '@/components/admin/admin-context';
import { InstanceTable } from '@/components/admin/instance-table';
import { FilterButtons, PagedListView, usePagedList } from '@/components/admin/paged-list';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import { type AdminInstance, type Cluster, query } from '@/lib/admin-api';
import type { Plan } from '@/lib/api';

const STATUSES = ['queued', 'building', 'starting', 'running', 'crashed', 'paused', 'failed', 'deleting'];
type Filters = { q: string; userId: string; clusterId: string; status: string; planId: string; guest: string; unpaid: boolean };
const EMPTY: Filters = { q: '', userId: '', clusterId: '', status: '', planId: '', guest: '', unpaid: false };

const pathOf = (applied: Filters, cursor?: string) =>
  `/api/v1/admin/instances${query({
    q: applied.q.trim(),
    userId: applied.userId.trim(),
    clusterId: applied.clusterId,
    status: applied.status,
    planId: applied.planId,
    guest: applied.guest,
    unpaid: applied.unpaid ? 'true' : undefined,
    cursor,
    limit: 50,
  })}`;

/** Every instance, whoever owns it, filtered by owner, cluster, status, plan, guest and unpaid. */
export default function AdminInstancesPage() {
  const { t } = useI18n();
  const me = useAdmin();
  const [filters, setFilters] = useState<Filters>();
  const list = usePagedList<AdminInstance, Filters>(pathOf);
  const { load } = list;
  const clusters = useAdminData<{ items: Cluster[] }>(hasArea(me, 'clusters') ? '/api/v1/admin/clusters' : undefined);
  const plans = useAdminData<Plan[]>('/api/v1/plans');

  // An owner's instances are linked from the user page as ?userId=.
  useEffect(() => {
    setFilters({ ...EMPTY, userId: new URLSearchParams(window.location.search).get('userId') ?? '' });
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once the URL's filters are read; later by the form
  useEffect(() => {
    if (filters) void load(filters);
  }, [filters === undefined, load]);

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (filters) void load(filters);
  }
  const set = (patch: Partial<Filters>) => setFilters((current) => ({ ...(current ?? EMPTY), ...patch }));
  const f = filters ?? EMPTY;

  return (
    <>
      <h1>{t('admin.nav.instances')}</h1>
      <form className="card stack" onSubmit={apply} aria-label={t('admin.filters')}>
        <div className="filters">
          <div className="field">
            <label htmlFor="f-q">{t('admin.instances.q')}</label>
            <input id="f-q" type="search" value={f.q} onChange={(event) => set({ q: event.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="f-user">{t('admin.instances.userId')}</label>
            <input id="f-user" value={f.userId} onChange={(event) => set({ userId: event.target.value })} placeholder="usr_…" />
          </div>
          <div className="field">
            <label htmlFor="f-status">{t('admin.instances.status')}</label>
            <select id="f-status" value={f.status} onChange={(event) => set({ status: event.target.value })}>
              <option value="">{t('admin.all')}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`status.${status}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          {clusters.data ? (
            <div className="field">
              <label htmlFor="f-cluster">{t('admin.instances.cluster')}</label>
              <select id="f-cluster" value={f.clusterId} onChange={(event) => set({ clusterId: event.target.value })}>
                <option value="">{t('admin.all')}</option>
                {clusters.data.items.map((cluster) => (
                  <option key={cluster.id} value={cluster.id}>
                    {cluster.name}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="f-plan">{t('instances.plan')}</label>
            <select id="f-plan" value={f.planId} onChange={(event) => set({ planId: event.target.value })}>
              <option value="">{t('admin.all')}</option>
              {plans.data?.map((plan) => (
                <option key={plan.id} value={plan.id}>
                  {plan.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-guest">{t('admin.instances.guest')}</label>
            <select id="f-guest" value={f.guest} onChange={(event) => set({ guest: event.target.value })}>
              <option value="">{t('admin.all')}</option>
              <option value="true">{t('admin.instances.guestOnly')}</option>
              <option value="false">{t('admin.instances.accountsOnly')}</option>
            </select>
          </div>
          <label className="choice">
            <input type="checkbox" checked={f.unpaid} onChange={(event) => set({ unpaid: event.target.checked })} />
            {t('admin.instances.unpaid')}
          </label>
        </div>
        <FilterButtons
          onClear={() => {
            setFilters(EMPTY);
            void load(EMPTY);
          }}
        />
      </form>
      <PagedListView list={list} none={t('admin.instances.none')} onMore={(cursor) => filters && load(filters, cursor)}>
        {(items) => <InstanceTable items={items} />}
      </PagedListView>
    </>
  );
}
