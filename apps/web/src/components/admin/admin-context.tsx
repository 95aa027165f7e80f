'use client';

import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { useI18n } from '@/i18n/client';
import type { AdminArea, AdminMe } from '@/lib/admin-api';
import { api } from '@/lib/api';

export const AdminContext = createContext<AdminMe | undefined>(undefined);

/** The signed-in admin (GET /api/v1/admin/me), as the console's layout loaded it. */
export function useAdmin(): AdminMe {
  const me = useContext(AdminContext);
  if (!me) throw new Error('useAdmin outside the admin layout');
  return me;
}

export function hasArea(me: AdminMe, area: AdminArea): boolean {
  return me.owner || me.areas.includes(area);
}

/**
 * Loads `path` (undefined: nothing) and keeps the answer, the error (an ApiProblem with a readable detail) and a reload.
 * Calls are made in the dashboard's language, so that problem details come translated.
 */
export function useAdminData<T>(path: string | undefined) {
  const { locale } = useI18n();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const reload = useCallback(async () => {
    if (!path) return;
    try {
      setData(await api<T>(path, { locale }));
      setError(undefined);
    } catch (problem) {
      setError(problem);
    }
  }, [path, locale]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload, setData };
}

/** Runs one admin action at a time, keeping its error and a success notice for the page to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const run = useCallback(async <T,>(action: () => Promise<T>, success?: string): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const result = await action();
      if (success) setNotice(success);
      return result;
    } catch (problem) {
      setError(problem);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, notice, run, setError, setNotice };
}
