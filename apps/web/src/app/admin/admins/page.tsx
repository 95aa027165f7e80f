'use client';

import { type FormEvent, useState } from 'react';
import { hasArea, useAction, useAdmin, useAdminData } from '@/components/admin/admin-context';
import { ActionResult, ConfirmDialog, StateBadge } from '@/components/admin/ui';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import { ADMIN_AREAS, type AdminArea, type AdminEntry, type Page, type UserSummary } from '@/lib/admin-api';
import { ApiProblem, api } from '@/lib/api';
import { formatDate } from '@/lib/format';

function AreaChecks({
  idPrefix,
  value,
  disabled,
  onChange,
}: {
  idPrefix: string;
  value: AdminArea[];
  disabled?: boolean;
  onChange: (areas: AdminArea[]) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="checks" style={{ border: 0, padding: 0, margin: 0 }} disabled={disabled}>
      <legend className="small muted" style={{ padding: 0 }}>
        {t('admin.admins.areas')}
      </legend>
      {ADMIN_AREAS.map((area) => (
        <label key={area} className="choice" htmlFor={`${idPrefix}-${area}`}>
          <input
            id={`${idPrefix}-${area}`}
            type="checkbox"
            checked={value.includes(area)}
            onChange={(event) => onChange(event.target.checked ? [...value, area] : value.filter((a) => a !== area))}
          />
          {t(`admin.nav.${area}` as MessageKey)}
        </label>
      ))}
    </fieldset>
  );
}

/** Who administers what: areas per admin, grant (by e-mail or id), change, revoke. */
export default function AdminsPage() {
  const { t, locale } = useI18n();
  const me = useAdmin();
  const { data, error, reload } = useAdminData<{ items: AdminEntry[] }>('/api/v1/admin/admins');
  const action = useAction();
  const [edits, setEdits] = useState<Record<string, AdminArea[]>>({});
  const [revoking, setRevoking] = useState<AdminEntry>();
  const [who, setWho] = useState('');
  const [newAreas, setNewAreas] = useState<AdminArea[]>([]);

  async function put(userId: string, areas: AdminArea[], success: string) {
    const saved = await action.run(
      () => api<AdminEntry>(`/api/v1/admin/admins/${encodeURIComponent(userId)}`, { method: 'PUT', body: { areas }, locale }),
      success,
    );
    if (saved) {
      setEdits(({ [userId]: _, ...rest }) => rest);
      await reload();
    }
    return saved;
  }

  async function grant(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = who.trim();
    const userId = await action.run(async () => {
      if (!typed.includes('@')) return typed;
      // An e-mail is looked up among the accounts (the users area); the API takes the account's id.
      const page = await api<Page<UserSummary>>(`/api/v1/admin/users?q=${encodeURIComponent(typed)}&limit=10`, { locale });
      const found = page.items.find((user) => user.email.toLowerCase() === typed.toLowerCase());
      if (!found) throw new ApiProblem(404, 'user_not_found', t('admin.admins.noSuchEmail', typed));
      return found.id;
    });
    if (userId && (await put(userId, newAreas, t('admin.admins.granted', typed)))) {
      setWho('');
      setNewAreas([]);
    }
  }

  return (
    <>
      <h1>{t('admin.nav.admins')}</h1>
      <div className="stack">
        <p className="small muted" style={{ margin: 0 }}>
          {t('admin.admins.flagsHint')}
        </p>
        <ActionResult error={action.error} notice={action.notice} />
        <ProblemAlert error={error} />
        {!data && !error ? <p className="muted">{t('common.loading')}</p> : null}
        <ul className="list">
          {data?.items.map((admin) => {
            const areas = edits[admin.userId] ?? admin.areas;
            const self = admin.userId === me.userId;
            const changed = edits[admin.userId] !== undefined;
            return (
              <li key={admin.userId} className="card stack" data-testid={`admin-${admin.email}`}>
                <div className="row between">
                  <div style={{ minWidth: 0 }}>
                    <strong>{admin.name}</strong>{' '}
                    <span className="muted small" style={{ overflowWrap: 'anywhere' }}>
                      {admin.email}
                    </span>
                    {self ? <span className="small muted"> · {t('admin.admins.you')}</span> : null}
                  </div>
                  {admin.owner ? <StateBadge state="owner" label={t('admin.admins.owner')} /> : null}
                </div>
                {admin.owner ? (
                  <p className="small muted" style={{ margin: 0 }}>
                    {t('admin.admins.ownerHint')}
                  </p>
                ) : null}
                <AreaChecks
                  idPrefix={`areas-${admin.userId}`}
                  value={areas}
                  disabled={self}
                  onChange={(next) => setEdits({ ...edits, [admin.userId]: next })}
                />
                {self ? (
                  <p className="small muted" style={{ margin: 0 }}>
                    {t('admin.admins.selfHint')}
                  </p>
                ) : null}
                <div className="row between">
                  <span className="small muted">{admin.grantedAt ? t('admin.admins.since', formatDate(admin.grantedAt, locale)) : ''}</span>
                  {self ? null : (
                    <span className="row">
                      <button
                        type="button"
                        className="btn small primary"
                        disabled={!changed || action.busy}
                        onClick={() => put(admin.userId, areas, t('admin.admins.saved', admin.email))}
                      >
                        {t('common.save')}
                      </button>
                      <button type="button" className="btn small danger" onClick={() => setRevoking(admin)}>
                        {t('admin.admins.revoke')}
                      </button>
                    </span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
        <form className="card stack" onSubmit={grant} aria-labelledby="grant-title">
          <h2 id="grant-title" style={{ margin: 0 }}>
            {t('admin.admins.grant')}
          </h2>
          <div className="field">
            <label htmlFor="grant-who">{hasArea(me, 'users') ? t('admin.admins.who') : t('admin.admins.whoId')}</label>
            <input id="grant-who" value={who} onChange={(event) => setWho(event.target.value)} required autoComplete="off" />
          </div>
          <AreaChecks idPrefix="grant" value={newAreas} onChange={setNewAreas} />
          <div>
            <button type="submit" className="btn primary" disabled={action.busy || newAreas.length === 0}>
              {t('admin.admins.grantSubmit')}
            </button>
          </div>
        </form>
      </div>
      <ConfirmDialog
        open={revoking !== undefined}
        title={t('admin.admins.revokeTitle', revoking?.email ?? '')}
        body={t('admin.admins.revokeBody')}
        confirmLabel={t('admin.admins.revoke')}
        danger
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => {
          const admin = revoking;
          setRevoking(undefined);
          if (admin)
            void action.run(
              async () => {
                await api(`/api/v1/admin/admins/${encodeURIComponent(admin.userId)}`, { method: 'DELETE', locale });
                await reload();
              },
              t('admin.admins.revoked', admin.email),
            );
        }}
      />
    </>
  );
}
