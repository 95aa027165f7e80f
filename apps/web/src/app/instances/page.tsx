'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { ProblemAlert } from '@/components/problem-alert';
import { StatusBadge } from '@/components/status-badge';
import { useI18n } from '@/i18n/client';
import { ApiProblem, api, type Instance, type Plan } from '@/lib/api';
import { formatDate } from '@/lib/format';
import { type StatusEvent, useStatusEvents } from '@/lib/use-events';

export default function InstancesPage() {
  const { t, locale } = useI18n();
  const router = useRouter();
  const [items, setItems] = useState<Instance[]>();
  const [plans, setPlans] = useState<Plan[]>([]);
  const [error, setError] = useState<unknown>();

  const load = useCallback(async () => {
    try {
      const page = await api<{ items: Instance[] }>('/api/v1/instances?limit=100', { locale });
      setItems(page.items);
    } catch (problem) {
      if (problem instanceof ApiProblem && problem.status === 401) router.replace('/login');
      else setError(problem);
    }
  }, [locale, router]);

  useEffect(() => {
    void load();
    api<Plan[]>('/api/v1/plans').then(setPlans, () => undefined);
  }, [load]);

  const onEvent = useCallback((event: StatusEvent) => {
    setItems((current) => current?.map((item) => (item.id === event.instanceId ? { ...item, status: event.status, statusReason: event.reason } : item)));
  }, []);
  useStatusEvents(onEvent, items !== undefined);

  return (
    <>
      <div className="row between">
        <h1 style={{ margin: 0 }}>{t('instances.title')}</h1>
        <Link className="btn primary" href="/instances/new">
          {t('instances.new')}
        </Link>
      </div>
      <div style={{ marginTop: '1rem' }}>
        <ProblemAlert error={error} />
        {items === undefined && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {items?.length === 0 ? (
          <div className="card stack" style={{ alignItems: 'flex-start' }}>
            <h2 style={{ margin: 0 }}>{t('instances.empty.title')}</h2>
            <p className="muted" style={{ margin: 0 }}>
              {t('instances.empty.body')}
            </p>
            <Link className="btn primary" href="/instances/new">
              {t('instances.new')}
            </Link>
          </div>
        ) : null}
        {items && items.length > 0 ? (
          <ul className="list">
            {items.map((item) => (
              <li key={item.id}>
                <Link href={`/instances/${item.id}`} className="card instance-card">
                  <strong style={{ fontSize: '1.05rem' }}>{item.name}</strong>
                  <StatusBadge status={item.status} />
                  <span className="small muted mono" style={{ overflowWrap: 'anywhere' }}>
                    {item.repoUrl}
                    {item.branch ? ` · ${item.branch}` : ''}
                  </span>
                  <span className="small muted">
                    {t('instances.plan')}: {plans.find((p) => p.id === item.planId)?.name ?? item.planId}
                  </span>
                  <span className="small muted" style={{ gridColumn: '1 / -1' }}>
                    {t('instances.updated', formatDate(item.updatedAt, locale))}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </>
  );
}
