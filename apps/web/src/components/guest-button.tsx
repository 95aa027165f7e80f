'use client';

import { useState } from 'react';
import { useI18n } from '@/i18n/client';
import { api } from '@/lib/api';
import { ProblemAlert } from './problem-alert';

/** "Continuar sem conta": a guest session, then straight to creating the first instance. */
export function GuestButton({ className = 'btn primary' }: { className?: string }) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <div className="stack" style={{ gap: '.5rem' }}>
      <button
        type="button"
        className={className}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await api('/api/v1/guest', { method: 'POST', body: {}, locale });
            // A full navigation, so that every part of the page sees the new session.
            window.location.assign('/instances/new');
          } catch (problem) {
            setError(problem);
            setBusy(false);
          }
        }}
      >
        {t('login.guest')}
      </button>
      <ProblemAlert error={error} />
    </div>
  );
}
