'use client';

import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Locale } from './locales';
import { type Translate, translator } from './messages';

const LocaleContext = createContext<{ locale: Locale; t: Translate }>({ locale: 'pt-BR', t: translator('pt-BR') });

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => ({ locale, t: translator(locale) }), [locale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useI18n() {
  return useContext(LocaleContext);
}
