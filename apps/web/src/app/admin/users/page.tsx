'use client';

import Link from 'next/link';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { StateBadge } from '@/components/admin/ui';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import { type Page, query, type UserSummary } from '@/lib/admin-api';
import { api } from '@/lib/api';
import { formatDate, formatDay } from '@/lib/format';

/** Search every account by e-mail, name or id. */
export default function UsersPage() {
  const { t, locale } = useI18n();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<UserSummary[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    async (search: string, cursor?: string) => {
      try {
        const page = await api<Page<UserSummary>>(`/api/v1/admin/users${query({ q: search, cursor, limit: 50 })}`, { locale });
        setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(undefined);
      } catch (problem) {
        setError(problem);
      }
    },
    [locale],
  );
  useEffect(() => {
    void load('');
  }, [load]);

  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void load(q.trim());
  }

  return (
    <>
      <h1>{t('admin.nav.users')}</h1>
      <form className="row" onSubmit={search}>
        <label htmlFor="user-q" className="sr-only">
          {t('admin.users.search')}
        </label>
        <input
          id="user-q"
          type="search"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          placeholder={t('admin.users.searchHint')}
          style={{ flex: '1 1 14rem', width: 'auto' }}
        />
        <button type="submit" className="btn primary">
          {t('admin.users.search')}
        </button>
      </form>
      <div className="stack" style={{ marginTop: '1rem' }}>
        <ProblemAlert error={error} />
        {!items && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {items?.length === 0 ? <p className="muted">{t('admin.users.none')}</p> : null}
        {items && items.length > 0 ? (
          <div className="card table-scroll" style={{ padding: 0 }}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('admin.users.email')}</th>
                  <th>{t('admin.users.name')}</th>
                  <th>{t('admin.users.state')}</th>
                  <th>{t('admin.users.instances')}</th>
                  <th>{t('admin.users.created')}</th>
                  <th>{t('admin.users.lastActive')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <Link href={`/admin/users/${user.id}`}>{user.isGuest ? t('admin.users.guestName') : user.email}</Link>
                    </td>
                    <td>{user.name}</td>
                    <td>
                      {user.suspended ? <StateBadge state="suspended" label={t('admin.users.suspended')} /> : null}
                      {user.isGuest ? <StateBadge state="guest" label={t('admin.users.guest')} /> : null}
                      {!user.suspended && !user.isGuest ? <StateBadge state="active" label={t('admin.users.active')} /> : null}
                    </td>
                    <td>{user.instanceCount}</td>
                    <td>{formatDay(user.createdAt, locale)}</td>
                    <td>{user.lastActiveAt ? formatDate(user.lastActiveAt, locale) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {next ? (
          <div>
            <button type="button" className="btn" onClick={() => load(q.trim(), next)}>
              {t('admin.more')}
            </button>
          </div>
        ) : null}
      </div>
    </>
  );
}
