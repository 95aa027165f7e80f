'use client';

import { type ReactNode, useEffect, useRef, useState } from 'react';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';

/** Reais typed in a number input → BRL cents (undefined when not a number ≥ 0). */
export function toCents(reais: string): number | undefined {
  if (reais.trim() === '') return undefined;
  const value = Number(reais.replace(',', '.'));
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : undefined;
}

export const centsToReais = (cents: number): string => (cents / 100).toFixed(2);

/** How full something is: used of total, red from 90 %. */
/** Decorative: the numbers are written next to it. */
export function Meter({ used, total }: { used: number; total: number | null | undefined }) {
  const share = total ? Math.min(1, used / total) : 0;
  return (
    <div className={`meter${share >= 0.9 ? ' high' : ''}`} aria-hidden="true">
      <span style={{ width: `${share * 100}%` }} />
    </div>
  );
}

/** The outcome of the last action: its problem (readable detail) or its success. */
export function ActionResult({ error, notice }: { error: unknown; notice: string | undefined }) {
  return (
    <>
      <ProblemAlert error={error} />
      {notice ? (
        <div className="alert ok" role="status">
          {notice}
        </div>
      ) : null}
    </>
  );
}

/** A confirmation before an action that is hard to undo; with `typed`, that text must be typed in first. */
export function ConfirmDialog({
  open,
  title,
  body,
  confirmLabel,
  typed,
  danger,
  onCancel,
  onConfirm,
  children,
}: {
  open: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  typed?: string;
  danger?: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState('');
  useEffect(() => {
    if (open && !ref.current?.open) ref.current?.showModal();
    if (!open && ref.current?.open) ref.current.close();
    setText('');
  }, [open]);
  const ready = typed === undefined || text === typed;
  return (
    <dialog ref={ref} onCancel={onCancel} aria-labelledby="confirm-title" role="alertdialog">
      <form
        method="dialog"
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready) onConfirm();
        }}
      >
        <h2 id="confirm-title" style={{ marginTop: 0 }}>
          {title}
        </h2>
        <p style={{ margin: 0 }}>{body}</p>
        {children}
        {typed !== undefined ? (
          <>
            <label htmlFor="confirm-typed" className="mono">
              {typed}
            </label>
            <input id="confirm-typed" value={text} onChange={(event) => setText(event.target.value)} autoComplete="off" />
          </>
        ) : null}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className={danger ? 'btn danger solid' : 'btn primary'} disabled={!ready}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A badge for a console state (cluster status, suspended, archived…), coloured by its class. */
export function StateBadge({ state, label }: { state: string; label: string }) {
  return (
    <span className={`badge ${state}`} data-state={state}>
      {label}
    </span>
  );
}
