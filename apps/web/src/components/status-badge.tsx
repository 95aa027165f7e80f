'use client';

import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';

const KNOWN = ['queued', 'building', 'starting', 'running', 'crashed', 'paused', 'failed', 'deleting', 'deleted'];

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const label = KNOWN.includes(status) ? t(`status.${status}` as MessageKey) : status;
  return (
    <span className={`badge ${status}`} data-status={status}>
      {label}
    </span>
  );
}
