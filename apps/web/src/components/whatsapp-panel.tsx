'use client';

import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '@/i18n/client';
import { api } from '@/lib/api';
import { useWhatsappEvents, type WhatsappEvent } from '@/lib/use-events';
import { ProblemAlert } from './problem-alert';
import { SessionBackup } from './session-backup';

type Whatsapp = {
  qr: { payload: string; svg: string; seenAt: string; expiresAt: string } | null;
  pairingCode: string | null;
  connection: 'unknown' | 'waiting_qr' | 'connected' | 'logged_out';
  sessionPersisted: boolean;
};

/** The bot's pairing, live: a large scannable QR with its countdown and the steps, or the pairing code. */
export function WhatsappPanel({ instanceId }: { instanceId: string }) {
  const { t, locale } = useI18n();
  const [state, setState] = useState<Whatsapp>();
  const [now, setNow] = useState(() => Date.now());
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();

  const load = useCallback(
    () =>
      api<Whatsapp>(`/api/v1/instances/${instanceId}/whatsapp`).then(
        (value) => setState(value),
        () => undefined,
      ),
    [instanceId],
  );
  // Pushed: each new QR, pairing code or connection change arrives as an event; a slow poll covers a lost stream.
  const onEvent = useCallback((event: WhatsappEvent) => event.instanceId === instanceId && void load(), [instanceId, load]);
  useWhatsappEvents(onEvent);
  useEffect(() => {
    void load();
    const poll = setInterval(load, 10_000);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [load]);

  if (!state) return <p className="muted">{t('common.loading')}</p>;
  const secondsLeft = state.qr ? Math.max(0, Math.round((new Date(state.qr.expiresAt).getTime() - now) / 1000)) : 0;
  const status =
    state.connection === 'connected'
      ? t('wa.connected')
      : state.connection === 'logged_out'
        ? t('wa.loggedOut')
        : state.connection === 'waiting_qr'
          ? t('wa.waiting')
          : t('wa.unknown');

  return (
    <section className="card stack" aria-labelledby="wa-title" data-testid="whatsapp-panel">
      <h2 id="wa-title" style={{ margin: 0 }}>
        {t('wa.title')}
      </h2>
      <p className={state.connection === 'connected' ? 'alert ok' : 'alert info'} role="status" style={{ margin: 0 }}>
        {status}
      </p>
      {state.qr ? (
        <div className="row" style={{ alignItems: 'flex-start', gap: '1.5rem' }}>
          <div
            role="img"
            aria-label={t('wa.qrAlt')}
            data-testid="whatsapp-qr"
            data-payload={state.qr.payload}
            style={{ width: 'min(100%, 320px)', background: '#fff', padding: 8, borderRadius: 8, opacity: secondsLeft === 0 ? 0.35 : 1 }}
            // The SVG is made by the API from the decoded payload (qrcode library), not taken from the bot.
            // biome-ignore lint/security/noDangerouslySetInnerHtml: trusted server-generated SVG
            dangerouslySetInnerHTML={{ __html: state.qr.svg }}
          />
          <div className="stack" style={{ flex: '1 1 240px' }}>
            <strong aria-live="polite">{secondsLeft > 0 ? t('wa.expiresIn', secondsLeft) : t('wa.expired')}</strong>
            <ol style={{ margin: 0, paddingLeft: '1.2rem' }}>
              <li>{t('wa.step1')}</li>
              <li>{t('wa.step2')}</li>
              <li>{t('wa.step3')}</li>
            </ol>
          </div>
        </div>
      ) : null}
      {state.pairingCode ? (
        <div className="stack" style={{ gap: '.25rem' }}>
          <span className="small muted">{t('wa.pairingCode')}</span>
          <span className="mono" style={{ fontSize: '2rem', fontWeight: 800, letterSpacing: '.15em' }} data-testid="pairing-code">
            {state.pairingCode}
          </span>
          <span className="hint">{t('wa.pairingHint')}</span>
        </div>
      ) : null}
      <p className="small muted" style={{ margin: 0 }}>
        {state.sessionPersisted ? t('wa.persisted') : t('wa.notPersisted')}
      </p>
      {confirming ? (
        <div className="alert error stack" role="alertdialog" aria-labelledby="wa-reset-body">
          <span id="wa-reset-body">{t('wa.resetBody')}</span>
          <div className="row">
            <button
              type="button"
              className="btn danger solid"
              onClick={async () => {
                setConfirming(false);
                await api(`/api/v1/instances/${instanceId}/whatsapp/reset`, { method: 'POST', body: {}, locale }).catch(setError);
              }}
            >
              {t('wa.resetConfirm')}
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <div>
          <button type="button" className="btn danger" onClick={() => setConfirming(true)}>
            {t('wa.reset')}
          </button>
        </div>
      )}
      <ProblemAlert error={error} />
      <SessionBackup instanceId={instanceId} />
    </section>
  );
}
