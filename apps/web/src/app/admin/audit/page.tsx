'use client';

import { type FormEvent, useEffect, useState } from 'react';
import { FilterButtons, PagedListView, usePagedList } from '@/components/admin/paged-list';
import { StateBadge } from '@/components/admin/ui';
import { useI18n } from '@/i18n/client';
import { type AuditEntry, query } from '@/lib/admin-api';
import { formatDate } from '@/lib/format';

type Filters = { actorId: string; action: string; targetType: string; targetId: string; outcome: string; from: string; to: string };
const EMPTY: Filters = { actorId: '', action: '', targetType: '', targetId: '', outcome: '', from: '', to: '' };

/** A day typed in a date input as the ISO instant it starts (from) or ends (to), in the admin's time zone. */
const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).toISOString() : undefined);
const dayEnd = (day: string) => (day ? new Date(`${day}T23:59:59.999`).toISOString() : undefined);

const pathOf = (applied: Filters, cursor?: string) =>
  `/api/v1/admin/audit${query({
    actorId: applied.actorId.trim(),
    action: applied.action.trim(),
    targetType: applied.targetType.trim(),
    targetId: applied.targetId.trim(),
    outcome: applied.outcome,
    from: dayStart(applied.from),
    to: dayEnd(applied.to),
    cursor,
    limit: 50,
  })}`;

/** The admin audit log, newest first, filterable; each entry's before/after on demand. */
export default function AuditPage() {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const list = usePagedList<AuditEntry, Filters>(pathOf);
  const { load } = list;

  useEffect(() => {
    void load(EMPTY);
  }, [load]);

  const set = (patch: Partial<Filters>) => setFilters({ ...filters, ...patch });
  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void load(filters);
  }
  const field = (key: keyof Filters, label: string, type = 'text', placeholder?: string) => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input id={`audit-${key}`} type={type} value={filters[key]} placeholder={placeholder} onChange={(event) => set({ [key]: event.target.value })} />
    </div>
  );

  return (
    <>
      <h1>{t('admin.nav.audit')}</h1>
      <form className="card stack" onSubmit={apply} aria-label={t('admin.filters')}>
        <div className="filters">
          {field('action', t('admin.audit.action'), 'text', 'user.suspend')}
          {field('actorId', t('admin.audit.actorId'), 'text', 'usr_…')}
          {field('targetType', t('admin.audit.targetType'), 'text', 'cluster')}
          {field('targetId', t('admin.audit.targetId'))}
          <div className="field">
            <label htmlFor="audit-outcome">{t('admin.audit.outcome')}</label>
            <select id="audit-outcome" value={filters.outcome} onChange={(event) => set({ outcome: event.target.value })}>
              <option value="">{t('admin.all')}</option>
              <option value="ok">{t('admin.audit.ok')}</option>
              <option value="denied">{t('admin.audit.denied')}</option>
            </select>
          </div>
          {field('from', t('admin.finance.from'), 'date')}
          {field('to', t('admin.finance.to'), 'date')}
        </div>
        <FilterButtons
          onClear={() => {
            setFilters(EMPTY);
            void load(EMPTY);
          }}
        />
      </form>
      <PagedListView list={list} none={t('admin.audit.none')} onMore={(cursor) => load(filters, cursor)}>
        {(items) => (
          <div className="card table-scroll" style={{ padding: 0 }}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('admin.audit.when')}</th>
                  <th>{t('admin.audit.action')}</th>
                  <th>{t('admin.audit.outcome')}</th>
                  <th>{t('admin.audit.actor')}</th>
                  <th>{t('admin.audit.target')}</th>
                  <th>{t('admin.audit.details')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDate(entry.createdAt, locale)}</td>
                    <td className="mono">{entry.action}</td>
                    <td>
                      <StateBadge state={entry.outcome} label={entry.outcome === 'ok' ? t('admin.audit.ok') : t('admin.audit.denied')} />
                    </td>
                    <td>{entry.actorEmail ?? (entry.actorId ? <span className="mono">{entry.actorId}</span> : t('admin.audit.platform'))}</td>
                    <td className="mono small wrap narrow">{[entry.targetType, entry.targetId].filter(Boolean).join(' ') || '—'}</td>
                    <td className="wrap">
                      {entry.before !== null || entry.after !== null || entry.ip ? (
                        <details>
                          <summary>{t('admin.audit.show')}</summary>
                          {entry.before !== null && entry.before !== undefined ? (
                            <>
                              <div className="small muted">{t('admin.audit.before')}</div>
                              <pre className="json">{JSON.stringify(entry.before, null, 2)}</pre>
                            </>
                          ) : null}
                          {entry.after !== null && entry.after !== undefined ? (
                            <>
                              <div className="small muted">{t('admin.audit.after')}</div>
                              <pre className="json">{JSON.stringify(entry.after, null, 2)}</pre>
                            </>
                          ) : null}
                          <div className="small muted">
                            {entry.ip ? `IP ${entry.ip}` : ''}
                            {entry.requestId ? ` · ${entry.requestId}` : ''}
                          </div>
                        </details>
                      ) : (
                        '—'
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedListView>
    </>
  );
}
