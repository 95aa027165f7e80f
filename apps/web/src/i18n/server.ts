import { cookies, headers } from 'next/headers';
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, type Locale } from './locales';

/** The language of this request: the remembered choice, else the browser's, else pt-BR. */
export async function requestLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(chosen)) return chosen;
  const accept = ((await headers()).get('accept-language') ?? '').toLowerCase();
  const first = accept.split(',')[0] ?? '';
  if (first.startsWith('en')) return 'en';
  if (first.startsWith('es')) return 'es';
  return DEFAULT_LOCALE;
}
