'use client';

import Link from 'next/link';
import { useParams } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { useAction, useAdminData } from '@/components/admin/admin-context';
import { InstanceTable } from '@/components/admin/instance-table';
import { ActionResult, StateBadge } from '@/components/admin/ui';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import type { UserDetail } from '@/lib/admin-api';
import { api } from '@/lib/api';
import { formatBRL, formatDate } from '@/lib/format';

const PAYMENT_STATUSES = ['approved', 'pending', 'in_process', 'rejected', 'cancelled', 'refunded', 'charged_back', 'mismatch'];

/** One account: facts, suspension (with a reason), the cap on instances, instances and payments. */
export default function UserPage() {
  const { id } = useParams<{ id: string }>();
  const { t, locale } = useI18n();
  const { data: user, error, setData } = useAdminData<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}`);
  const action = useAction();
  const [reason, setReason] = useState('');

  async function suspend(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const updated = await action.run(
      () => api<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}/suspend`, { method: 'POST', body: { reason: reason.trim() }, locale }),
      t('admin.users.suspendedNotice'),
    );
    if (updated) {
      setData(updated);
      setReason('');
    }
  }
  async function unsuspend() {
    const updated = await action.run(
      () => api<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}/unsuspend`, { method: 'POST', body: {}, locale }),
      t('admin.users.unsuspendedNotice'),
    );
    if (updated) setData(updated);
  }
  async function saveLimit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget).get('maxInstances') ?? '').trim();
    const updated = await action.run(
      () =>
        api<UserDetail>(`/api/v1/admin/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: { maxInstances: raw === '' ? null : Number(raw) }, locale }),
      t('common.saved'),
    );
    if (updated) setData(updated);
  }

  if (error) return <ProblemAlert error={error} />;
  if (!user) return <p className="muted">{t('common.loading')}</p>;
  return (
    <>
      <p style={{ margin: '0 0 .5rem' }}>
        <Link href="/admin/users">{t('admin.users.back')}</Link>
      </p>
      <div className="row" style={{ marginBottom: '1rem' }}>
        <h1 style={{ margin: 0, overflowWrap: 'anywhere' }}>{user.isGuest ? t('admin.users.guestName') : user.email}</h1>
        {user.suspended ? <StateBadge state="suspended" label={t('admin.users.suspended')} /> : null}
        {user.isGuest ? <StateBadge state="guest" label={t('admin.users.guest')} /> : null}
      </div>
      <div className="stack">
        <ActionResult error={action.error} notice={action.notice} />
        <div className="card">
          <dl className="facts">
            <dt>{t('admin.users.name')}</dt>
            <dd>{user.name}</dd>
            <dt>ID</dt>
            <dd className="mono">{user.id}</dd>
            <dt>{t('admin.users.signIn')}</dt>
            <dd>
              {user.signInMethods
                .map((method) => (method === 'password' ? t('admin.users.method.password') : method === 'guest' ? t('admin.users.guest') : method))
                .join(', ') || '—'}
            </dd>
            <dt>{t('admin.users.created')}</dt>
            <dd>{formatDate(user.createdAt, locale)}</dd>
            <dt>{t('admin.users.lastActive')}</dt>
            <dd>{user.lastActiveAt ? formatDate(user.lastActiveAt, locale) : '—'}</dd>
            {user.suspended ? (
              <>
                <dt>{t('admin.users.suspendedAt')}</dt>
                <dd>{user.suspendedAt ? formatDate(user.suspendedAt, locale) : '—'}</dd>
                <dt>{t('admin.users.reason')}</dt>
                <dd data-testid="suspended-reason">{user.suspendedReason}</dd>
              </>
            ) : null}
          </dl>
        </div>
        <div className="cards">
          {user.suspended ? (
            <div className="card stack">
              <h2 style={{ margin: 0 }}>{t('admin.users.unsuspend')}</h2>
              <p className="small muted" style={{ margin: 0 }}>
                {t('admin.users.unsuspendHint')}
              </p>
              <div>
                <button type="button" className="btn primary" disabled={action.busy} onClick={unsuspend}>
                  {t('admin.users.unsuspend')}
                </button>
              </div>
            </div>
          ) : (
            <form className="card stack" onSubmit={suspend}>
              <h2 style={{ margin: 0 }}>{t('admin.users.suspend')}</h2>
              <p className="small muted" style={{ margin: 0 }}>
                {t('admin.users.suspendHint')}
              </p>
              <div className="field">
                <label htmlFor="suspend-reason">{t('admin.users.reason')}</label>
                <textarea
                  id="suspend-reason"
                  required
                  minLength={3}
                  maxLength={500}
                  rows={2}
                  value={reason}
                  onChange={(event) => setReason(event.target.value)}
                />
              </div>
              <div>
                <button type="submit" className="btn danger" disabled={action.busy}>
                  {t('admin.users.suspend')}
                </button>
              </div>
            </form>
          )}
          <form className="card stack" onSubmit={saveLimit}>
            <h2 style={{ margin: 0 }}>{t('admin.users.limits')}</h2>
            <div className="field">
              <label htmlFor="max-instances">{t('admin.users.maxInstances')}</label>
              <input
                id="max-instances"
                name="maxInstances"
                type="number"
                min="0"
                step="1"
                defaultValue={user.maxInstances ?? ''}
                key={String(user.maxInstances)}
              />
              <span className="hint">{t('admin.users.maxInstancesHint')}</span>
            </div>
            <div>
              <button type="submit" className="btn" disabled={action.busy}>
                {t('common.save')}
              </button>
            </div>
          </form>
        </div>
        <h2>{t('admin.users.instances')}</h2>
        {user.instances.length === 0 ? <p className="muted">{t('admin.instances.none')}</p> : <InstanceTable items={user.instances} showOwner={false} />}
        <h2>{t('admin.users.payments')}</h2>
        {user.payments.length === 0 ? (
          <p className="muted">{t('bill.noPayments')}</p>
        ) : (
          <div className="card table-scroll" style={{ padding: 0 }}>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('bill.col.date')}</th>
                  <th>{t('bill.col.amount')}</th>
                  <th>{t('bill.col.method')}</th>
                  <th>{t('bill.col.status')}</th>
                  <th>{t('bill.col.plan')}</th>
                  <th>{t('admin.instances.instance')}</th>
                </tr>
              </thead>
              <tbody>
                {user.payments.map((payment) => (
                  <tr key={payment.id}>
                    <td>{formatDate(payment.approvedAt ?? payment.createdAt, locale)}</td>
                    <td>{formatBRL(payment.amountCents, locale)}</td>
                    <td>{payment.method === 'pix' || payment.method === 'card' ? t(`bill.methodName.${payment.method}`) : payment.method}</td>
                    <td>{PAYMENT_STATUSES.includes(payment.status) ? t(`bill.status.${payment.status}` as MessageKey) : payment.status}</td>
                    <td>{payment.planId}</td>
                    <td>
                      <Link href={`/admin/instances/${payment.instanceId}`} className="mono">
                        {payment.instanceId}
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
