'use client';

import { useI18n } from '@/i18n/client';
import { ApiProblem } from '@/lib/api';

/** Shows an API problem's detail (already in the user's language), or a generic message. */
export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const message = error instanceof ApiProblem ? error.detail : t('common.error');
  return (
    <div className="alert error" role="alert">
      {message}
    </div>
  );
}
