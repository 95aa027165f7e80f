'use client';

import Link from 'next/link';
import { type FormEvent, useEffect, useState } from 'react';
import { PagedListView, usePagedList } from '@/components/admin/paged-list';
import { StateBadge } from '@/components/admin/ui';
import { useI18n } from '@/i18n/client';
import { query, type UserSummary } from '@/lib/admin-api';
import { formatDate, formatDay } from '@/lib/format';

const usersPath = (q: string, cursor?: string) => `/api/v1/admin/users${query({ q, cursor, limit: 50 })}`;

/** Search every account by e-mail, name or id. */
export default function UsersPage() {
  const { t, locale } = useI18n();
  const [q, setQ] = useState('');
  const list = usePagedList<UserSummary, string>(usersPath);
  const { load } = list;
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
      <PagedListView list={list} none={t('admin.users.none')} onMore={(cursor) => load(q.trim(), cursor)}>
        {(items) => (
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
        )}
      </PagedListView>
    </>
  );
}
