'use client';

import { useEffect, useRef, useState } from 'react';
import { useI18n } from '@/i18n/client';

/** Deleting needs the instance's name typed in, so that nobody deletes a bot by a slip. */
export function DeleteDialog({ name, open, onCancel, onConfirm }: { name: string; open: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    if (open && !ref.current?.open) ref.current?.showModal();
    if (!open && ref.current?.open) ref.current.close();
    setTyped('');
  }, [open]);
  return (
    <dialog ref={ref} onCancel={onCancel} aria-labelledby="delete-title">
      <form
        method="dialog"
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          if (typed === name) onConfirm();
        }}
      >
        <h2 id="delete-title" style={{ marginTop: 0 }}>
          {t('instance.deleteTitle')}
        </h2>
        <p>{t('instance.deleteBody', name)}</p>
        <label htmlFor="confirm-name" className="mono">
          {name}
        </label>
        <input id="confirm-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn danger solid" disabled={typed !== name}>
            {t('instance.deleteConfirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
