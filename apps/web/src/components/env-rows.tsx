'use client';

import { useI18n } from '@/i18n/client';

export type EnvRow = { key: string; value: string; visible: boolean };

/** Editable list of environment variables; values hidden unless shown. */
export function EnvRows({ rows, onChange, idPrefix }: { rows: EnvRow[]; onChange: (rows: EnvRow[]) => void; idPrefix: string }) {
  const { t } = useI18n();
  const update = (index: number, patch: Partial<EnvRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <div className="stack">
      {rows.length === 0 ? <p className="small muted">{t('env.none')}</p> : null}
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position while being edited
        <div className="env-row" key={index}>
          <div className="field">
            <label htmlFor={`${idPrefix}-key-${index}`}>{t('new.envKey')}</label>
            <input
              id={`${idPrefix}-key-${index}`}
              className="mono"
              value={row.key}
              onChange={(e) => update(index, { key: e.target.value.trim() })}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <div className="field">
            <label htmlFor={`${idPrefix}-value-${index}`}>{t('new.envValue')}</label>
            <input
              id={`${idPrefix}-value-${index}`}
              className="mono"
              type={row.visible ? 'text' : 'password'}
              value={row.value}
              onChange={(e) => update(index, { value: e.target.value })}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
          <button
            type="button"
            className="btn small"
            onClick={() => update(index, { visible: !row.visible })}
            aria-label={`${row.visible ? t('common.hide') : t('common.show')} ${row.key}`}
          >
            {row.visible ? t('common.hide') : t('common.show')}
          </button>
          <button
            type="button"
            className="btn small danger"
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
            aria-label={`${t('common.remove')} ${row.key}`}
          >
            {t('common.remove')}
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="btn small" onClick={() => onChange([...rows, { key: '', value: '', visible: true }])}>
          + {t('new.envAdd')}
        </button>
      </div>
    </div>
  );
}

export function rowsToEnv(rows: EnvRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((row) => row.key !== '').map((row) => [row.key, row.value]));
}
