'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useI18n } from '@/i18n/client';
import { LOCALE_COOKIE, LOCALES, type Locale } from '@/i18n/locales';
import { api } from '@/lib/api';
import { formatDate } from '@/lib/format';
import { useMe } from '@/lib/use-me';

const LANGUAGE_NAMES: Record<Locale, string> = { 'pt-BR': 'Português', en: 'English', es: 'Español' };

export function setLocaleCookie(locale: Locale): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser our users have
  document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
}

export function LanguageSelect({ id }: { id: string }) {
  const { locale, t } = useI18n();
  const router = useRouter();
  return (
    <select
      id={id}
      aria-label={t('nav.language')}
      value={locale}
      onChange={(event) => {
        setLocaleCookie(event.target.value as Locale);
        router.refresh();
      }}
      style={{ width: 'auto', minHeight: 40 }}
    >
      {LOCALES.map((value) => (
        <option key={value} value={value}>
          {LANGUAGE_NAMES[value]}
        </option>
      ))}
    </select>
  );
}

export function Header() {
  const { t, locale } = useI18n();
  const me = useMe();
  const pathname = usePathname();
  const current = (href: string) => (pathname === href || pathname.startsWith(`${href}/`) ? 'page' : undefined);
  return (
    <>
      <header className="top">
        <div className="container">
          <Link href="/" className="logo" aria-label="Zapdeploy">
            <span aria-hidden="true">⚡</span>
            <span>
              Zap<span>deploy</span>
            </span>
          </Link>
          <nav className="main" aria-label="Zapdeploy">
            {me ? (
              <>
                <Link href="/instances" aria-current={current('/instances')}>
                  {t('nav.instances')}
                </Link>
                <Link href="/account" aria-current={current('/account')}>
                  {t('nav.account')}
                </Link>
                <button
                  type="button"
                  className="link"
                  style={{ padding: '.4rem .6rem', color: 'var(--text)', textDecoration: 'none' }}
                  onClick={async () => {
                    await api('/api/auth/sign-out', { method: 'POST', body: {} }).catch(() => undefined);
                    window.location.href = '/';
                  }}
                >
                  {t('nav.logout')}
                </button>
              </>
            ) : me === null ? (
              <Link href="/login" aria-current={current('/login')}>
                {t('nav.login')}
              </Link>
            ) : null}
            <LanguageSelect id="language-header" />
          </nav>
        </div>
      </header>
      {me?.user.isGuest ? (
        <div className="banner" role="note">
          <div className="container">
            <span>
              {t('guest.banner')}
              {me.user.guestExpiresAt ? (
                <>
                  {' '}
                  <strong data-testid="guest-expiry">{t('guest.expiry', formatDate(me.user.guestExpiresAt, locale))}</strong>
                </>
              ) : null}
            </span>
            <Link className="btn small primary" href="/login?mode=signup">
              {t('guest.keep')}
            </Link>
          </div>
        </div>
      ) : null}
    </>
  );
}
