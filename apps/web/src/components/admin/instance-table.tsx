'use client';

import Link from 'next/link';
import { StatusBadge } from '@/components/status-badge';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import type { AdminInstance } from '@/lib/admin-api';
import { formatDate } from '@/lib/format';

const BILLING_STATES = ['awaiting_payment', 'active', 'grace', 'suspended', 'ended'];

/** How an instance is paid for, in words. */
export function billingLabel(t: (key: MessageKey, ...params: (string | number)[]) => string, instance: AdminInstance): string {
  if (!instance.billingState) return '—';
  return BILLING_STATES.includes(instance.billingState) ? t(`admin.billing.${instance.billingState}` as MessageKey) : instance.billingState;
}

/** Instances of any owner, linking to the console's instance page. */
export function InstanceTable({ items, showOwner = true }: { items: AdminInstance[]; showOwner?: boolean }) {
  const { t, locale } = useI18n();
  return (
    <div className="card table-scroll" style={{ padding: 0 }}>
      <table className="table">
        <thead>
          <tr>
            <th>{t('admin.instances.instance')}</th>
            <th>{t('admin.instances.status')}</th>
            {showOwner ? <th>{t('admin.instances.owner')}</th> : null}
            <th>{t('instances.plan')}</th>
            <th>{t('admin.instances.cluster')}</th>
            <th>{t('admin.instances.billing')}</th>
            <th>{t('admin.instances.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((instance) => (
            <tr key={instance.id}>
              <td>
                <Link href={`/admin/instances/${instance.id}`}>{instance.name}</Link>
              </td>
              <td>
                <StatusBadge status={instance.status} />
              </td>
              {showOwner ? (
                <td>
                  <Link href={`/admin/users/${instance.ownerId}`} style={{ fontWeight: 400 }}>
                    {instance.guest ? t('admin.users.guestName') : (instance.ownerEmail ?? instance.ownerId)}
                  </Link>
                </td>
              ) : null}
              <td>{instance.planName}</td>
              <td>
                {instance.clusterName ?? '—'}
                {instance.targetClusterId ? <span className="muted small"> → {t('admin.instances.moving')}</span> : null}
              </td>
              <td>
                {billingLabel(t, instance)}
                {instance.paidUntil ? <span className="muted small"> · {formatDate(instance.paidUntil, locale)}</span> : null}
              </td>
              <td>{formatDate(instance.updatedAt, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
