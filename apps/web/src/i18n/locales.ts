export const LOCALES = ['pt-BR', 'en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'pt-BR';
export const LOCALE_COOKIE = 'zd_lang';

export function isLocale(value: string | undefined): value is Locale {
  return LOCALES.includes(value as Locale);
}
