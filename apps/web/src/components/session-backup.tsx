'use client';

import { useRef, useState } from 'react';
import { useI18n } from '@/i18n/client';
import { ApiProblem, api } from '@/lib/api';
import { ProblemAlert } from './problem-alert';

type Transfer = { id: string; direction: 'backup' | 'restore'; status: 'pending' | 'done' | 'failed' | 'expired'; error: string | null };
type Phase = 'idle' | 'backup' | 'backup-ready' | 'backup-none' | 'confirm' | 'restore' | 'restored' | 'failed';

/** Download a backup of the bot's WhatsApp session, and restore one (the bot restarts with it). */
export function SessionBackup({ instanceId }: { instanceId: string }) {
  const { t, locale } = useI18n();
  const [phase, setPhase] = useState<Phase>('idle');
  const [download, setDownload] = useState<string>();
  const [error, setError] = useState<unknown>();
  const file = useRef<HTMLInputElement>(null);
  const base = `/api/v1/instances/${instanceId}/whatsapp/session`;

  async function settle(transfer: Transfer): Promise<Transfer> {
    let current = transfer;
    while (current.status === 'pending') {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      current = await api<Transfer>(`${base}/transfers/${transfer.id}`, { locale });
    }
    return current;
  }

  async function backup() {
    setError(undefined);
    setPhase('backup');
    try {
      const done = await settle(await api<Transfer>(`${base}/backup`, { method: 'POST', body: {}, locale }));
      if (done.status === 'done') {
        const url = `${base}/transfers/${done.id}/download`;
        setDownload(url);
        setPhase('backup-ready');
        window.location.assign(url);
      } else setPhase(done.error === 'no_session' ? 'backup-none' : 'failed');
    } catch (problem) {
      setError(problem);
      setPhase('idle');
    }
  }

  async function restore() {
    const chosen = file.current?.files?.[0];
    if (!chosen) return;
    setError(undefined);
    setPhase('restore');
    try {
      const response = await fetch(`${base}/restore`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/gzip', accept: 'application/json', 'accept-language': locale },
        body: chosen,
      });
      const body = (await response.json()) as Transfer & { code?: string; detail?: string };
      if (!response.ok) throw new ApiProblem(response.status, body.code ?? 'error', body.detail ?? `HTTP ${response.status}`);
      const done = await settle(body);
      setPhase(done.status === 'done' ? 'restored' : 'failed');
    } catch (problem) {
      setError(problem);
      setPhase('idle');
    }
  }

  const busy = phase === 'backup' || phase === 'restore';
  return (
    <section
      className="stack"
      aria-labelledby="wa-backup-title"
      data-testid="session-backup"
      style={{ borderTop: '1px solid var(--border)', paddingTop: '1rem' }}
    >
      <h3 id="wa-backup-title" style={{ margin: 0, fontSize: '1rem' }}>
        {t('wa.backupTitle')}
      </h3>
      <p className="hint" style={{ margin: 0 }}>
        {t('wa.backupHint')}
      </p>
      <div className="row">
        <button type="button" className="btn" disabled={busy} onClick={backup}>
          {phase === 'backup' ? t('wa.backupWorking') : t('wa.backup')}
        </button>
        {phase === 'backup-ready' && download ? (
          <span role="status">
            <a href={download} className="small">
              {t('wa.backupReady')}
            </a>
          </span>
        ) : null}
      </div>
      {phase === 'backup-none' ? (
        <p className="alert info small" role="status" style={{ margin: 0 }}>
          {t('wa.backupNone')}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="wa-restore-file">{t('wa.restoreLabel')}</label>
        <input id="wa-restore-file" ref={file} type="file" accept=".tar.gz,.tgz,application/gzip" disabled={busy} onChange={() => setPhase('idle')} />
      </div>
      {phase === 'confirm' ? (
        <div className="alert error stack" role="alertdialog" aria-labelledby="wa-restore-body">
          <span id="wa-restore-body">{t('wa.restoreConfirm')}</span>
          <div className="row">
            <button type="button" className="btn danger solid" onClick={restore}>
              {t('wa.restore')}
            </button>
            <button type="button" className="btn" onClick={() => setPhase('idle')}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div>
          <button type="button" className="btn" disabled={busy} onClick={() => file.current?.files?.length && setPhase('confirm')}>
            {phase === 'restore' ? t('wa.restoreWorking') : t('wa.restore')}
          </button>
        </div>
      )}
      {phase === 'restored' ? (
        <p className="alert ok small" role="status" style={{ margin: 0 }}>
          {t('wa.restoreDone')}
        </p>
      ) : null}
      {phase === 'failed' ? (
        <p className="alert error small" role="alert" style={{ margin: 0 }}>
          {t('wa.transferFailed')}
        </p>
      ) : null}
      <ProblemAlert error={error} />
    </section>
  );
}
