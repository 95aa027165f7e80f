'use client';

import { useEffect, useState } from 'react';
import { useI18n } from '@/i18n/client';
import { api, type Plan } from '@/lib/api';
import { formatBRL, formatNumber } from '@/lib/format';
import { ProblemAlert } from './problem-alert';

export function PlanCards() {
  const { t, locale } = useI18n();
  const [plans, setPlans] = useState<Plan[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<Plan[]>('/api/v1/plans', { locale }).then(setPlans, setError);
  }, [locale]);
  if (error) return <ProblemAlert error={error} />;
  if (!plans) return <p className="muted">{t('common.loading')}</p>;
  return (
    <ul className="grid" style={{ listStyle: 'none', padding: 0 }}>
      {plans.map((plan) => (
        <li key={plan.id} className="card stack">
          <h3 style={{ margin: 0 }}>{plan.name}</h3>
          <div>
            <span className="price">{plan.priceCents === 0 ? t('landing.plans.free') : formatBRL(plan.priceCents, locale)}</span>
            {plan.priceCents > 0 ? <span className="muted">{t('landing.plans.perMonth')}</span> : null}
          </div>
          <ul className="small" style={{ margin: 0, paddingLeft: '1.1rem' }}>
            <li>{t('landing.plans.cpu', formatNumber(plan.cpuMillis / 1000, locale))}</li>
            <li>{t('landing.plans.memory', plan.memoryMb)}</li>
            <li>{t('landing.plans.disk', formatNumber(plan.diskMb / 1024, locale, 0))}</li>
          </ul>
          <p className="small muted" style={{ margin: 0 }}>
            {plan.tier === 'dev' ? t('landing.plans.devNote') : t('landing.plans.prodNote')}
          </p>
        </li>
      ))}
    </ul>
  );
}
