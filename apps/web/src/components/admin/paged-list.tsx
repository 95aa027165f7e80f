'use client';

import { type ReactNode, useCallback, useState } from 'react';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import type { Page } from '@/lib/admin-api';
import { api } from '@/lib/api';

export type PagedList<T, F> = {
  readonly items: T[] | undefined;
  readonly next: string | null;
  readonly error: unknown;
  /** Loads the first page for `filters`, or the page after `cursor` (appended). */
  load(filters: F, cursor?: string): Promise<void>;
};

/** A console list read page by page (`{ items, nextCursor }`); `pathOf` must be stable (a module-level function). */
export function usePagedList<T, F>(pathOf: (filters: F, cursor?: string) => string): PagedList<T, F> {
  const { locale } = useI18n();
  const [items, setItems] = useState<T[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const load = useCallback(
    async (filters: F, cursor?: string) => {
      try {
        const page = await api<Page<T>>(pathOf(filters, cursor), { locale });
        setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
        setError(undefined);
      } catch (problem) {
        setError(problem);
      }
    },
    [locale, pathOf],
  );
  return { items, next, error, load };
}

/** A list's state under its filters: the problem, "loading", `none` when empty, the rows, and "load more". */
export function PagedListView<T>({
  list,
  none,
  onMore,
  children,
}: {
  list: { items: T[] | undefined; next: string | null; error: unknown };
  none: string;
  onMore: (cursor: string) => void;
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useI18n();
  const { items, next, error } = list;
  return (
    <div className="stack" style={{ marginTop: '1rem' }}>
      <ProblemAlert error={error} />
      {!items && !error ? <p className="muted">{t('common.loading')}</p> : null}
      {items?.length === 0 ? <p className="muted">{none}</p> : null}
      {items && items.length > 0 ? children(items) : null}
      {next ? (
        <div>
          <button type="button" className="btn" onClick={() => onMore(next)}>
            {t('admin.more')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** A filter form's "apply" (submit) and "clear" buttons. */
export function FilterButtons({ onClear }: { onClear: () => void }) {
  const { t } = useI18n();
  return (
    <div className="row">
      <button type="submit" className="btn primary">
        {t('admin.apply')}
      </button>
      <button type="button" className="btn" onClick={onClear}>
        {t('admin.clear')}
      </button>
    </div>
  );
}
