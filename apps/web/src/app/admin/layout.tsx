'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect, useState } from 'react';
import { AdminContext, hasArea } from '@/components/admin/admin-context';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import type { MessageKey } from '@/i18n/messages';
import { ADMIN_AREAS, type AdminArea, type AdminMe } from '@/lib/admin-api';
import { ApiProblem, api } from '@/lib/api';

/** The console's pages: one per area, audit with the admins' area (it needs audit.read, which that area holds). */
const PAGES: readonly { href: string; area: AdminArea; label: MessageKey }[] = [
  ...ADMIN_AREAS.map((area) => ({ href: `/admin/${area}`, area, label: `admin.nav.${area}` as MessageKey })),
  { href: '/admin/audit', area: 'admins', label: 'admin.nav.audit' },
];

function areaOfPath(pathname: string): AdminArea | undefined {
  return PAGES.find((page) => pathname === page.href || pathname.startsWith(`${page.href}/`))?.area;
}

type State = { kind: 'loading' } | { kind: 'ready'; me: AdminMe } | { kind: 'denied' } | { kind: 'error'; error: unknown };

/** The operator console: a side menu (a menu button on a phone) with only the areas the caller has. */
export default function AdminLayout({ children }: { children: ReactNode }) {
  const { t, locale } = useI18n();
  const router = useRouter();
  const pathname = usePathname();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    api<AdminMe>('/api/v1/admin/me', { locale }).then(
      (me) => setState({ kind: 'ready', me }),
      (problem) => {
        if (problem instanceof ApiProblem && problem.status === 401) router.replace('/login');
        else if (problem instanceof ApiProblem && problem.status === 403) setState({ kind: 'denied' });
        else setState({ kind: 'error', error: problem });
      },
    );
  }, [locale, router]);

  // A new page closes the phone menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation only
  useEffect(() => setMenuOpen(false), [pathname]);

  if (state.kind === 'loading') return <p className="muted">{t('common.loading')}</p>;
  if (state.kind === 'error') return <ProblemAlert error={state.error} />;
  if (state.kind === 'denied') {
    return (
      <div className="card stack" style={{ alignItems: 'flex-start' }} data-testid="admin-denied">
        <h1 style={{ margin: 0 }}>{t('admin.denied.title')}</h1>
        <p style={{ margin: 0 }}>{t('admin.denied.body')}</p>
        <Link className="btn" href="/instances">
          {t('admin.denied.back')}
        </Link>
      </div>
    );
  }
  const { me } = state;
  const pages = PAGES.filter((page) => hasArea(me, page.area));
  const area = areaOfPath(pathname);
  const current = pages.find((page) => pathname === page.href || pathname.startsWith(`${page.href}/`));
  return (
    <AdminContext.Provider value={me}>
      <div className="admin">
        <div className="admin-bar">
          <span className="admin-title">{t('admin.title')}</span>
          <button type="button" className="btn small" aria-expanded={menuOpen} aria-controls="admin-menu" onClick={() => setMenuOpen(!menuOpen)}>
            {menuOpen ? t('common.close') : t('admin.menu')}
            {current && !menuOpen ? <span className="muted"> · {t(current.label)}</span> : null}
          </button>
        </div>
        <nav id="admin-menu" className={`admin-nav${menuOpen ? ' open' : ''}`} aria-label={t('admin.title')}>
          <p className="admin-title admin-title-wide">{t('admin.title')}</p>
          <ul>
            {pages.map((page) => (
              <li key={page.href}>
                <Link href={page.href} aria-current={current?.href === page.href ? 'page' : undefined}>
                  {t(page.label)}
                </Link>
              </li>
            ))}
          </ul>
          <p className="small muted admin-who">
            {me.email.split('@')[0]}
            <wbr />@{me.email.split('@').slice(1).join('@')}
          </p>
        </nav>
        <section className="admin-main">
          {area && !hasArea(me, area) ? (
            <div className="alert error" role="alert" data-testid="admin-area-denied">
              {t('admin.denied.area')}
            </div>
          ) : (
            children
          )}
        </section>
      </div>
    </AdminContext.Provider>
  );
}
