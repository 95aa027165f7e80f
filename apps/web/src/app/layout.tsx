import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Header } from '@/components/header';
import { LocaleProvider } from '@/i18n/client';
import { translator } from '@/i18n/messages';
import { requestLocale } from '@/i18n/server';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = translator(await requestLocale());
  return { title: { default: `Zapdeploy — ${t('brand.tagline')}`, template: '%s · Zapdeploy' }, description: t('landing.subtitle') };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: [{ color: '#0f7a4a' }] };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await requestLocale();
  const t = translator(locale);
  return (
    <html lang={locale}>
      <body>
        <LocaleProvider locale={locale}>
          <a className="skip" href="#content">
            {t('nav.skip')}
          </a>
          <Header />
          <main id="content">
            <div className="container">{children}</div>
          </main>
        </LocaleProvider>
      </body>
    </html>
  );
}
