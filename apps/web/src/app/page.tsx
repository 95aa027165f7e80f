'use client';

import Link from 'next/link';
import { GuestButton } from '@/components/guest-button';
import { PlanCards } from '@/components/plan-cards';
import { useI18n } from '@/i18n/client';
import { useFeatures } from '@/lib/use-features';
import { useMe } from '@/lib/use-me';

export default function LandingPage() {
  const { t } = useI18n();
  const me = useMe();
  const install = useFeatures();
  const features = [
    ['landing.features.deploy.title', 'landing.features.deploy.body'],
    ['landing.features.logs.title', 'landing.features.logs.body'],
    ['landing.features.isolation.title', 'landing.features.isolation.body'],
  ] as const;
  return (
    <>
      <section className="hero">
        <h1>{t('landing.title')}</h1>
        <p>{t('landing.subtitle')}</p>
        <div className="row" style={{ marginTop: '1rem', minHeight: 44 }}>
          {me ? (
            <Link className="btn primary" href="/instances">
              {t('landing.cta.instances')}
            </Link>
          ) : me === null ? (
            <>
              {install?.guests ? <GuestButton /> : null}
              {install?.signups === 'first-account' ? (
                // A fresh `npm start`: the first account is the owner's.
                <Link className="btn primary" href="/login?mode=signup">
                  {t('landing.cta.firstAccount')}
                </Link>
              ) : null}
              <Link className="btn" href="/login">
                {t('landing.cta.login')}
              </Link>
            </>
          ) : null}
        </div>
      </section>
      <section aria-labelledby="features">
        <h2 id="features" className="skip">
          Zapdeploy
        </h2>
        <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
          {features.map(([title, body]) => (
            <li key={title} className="card">
              <h3 style={{ marginTop: 0 }}>{t(title)}</h3>
              <p className="muted" style={{ marginBottom: 0 }}>
                {t(body)}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="plans">
        <h2 id="plans">{t('landing.plans.title')}</h2>
        <PlanCards />
      </section>
    </>
  );
}
