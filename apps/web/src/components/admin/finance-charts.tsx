'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '@/i18n/client';
import type { Finance } from '@/lib/admin-api';
import { formatBRL } from '@/lib/format';

/** Colours readable on the light and the dark theme alike. */
const COLORS = { revenue: '#16a34a', cost: '#ea580c', idle: '#94a3b8', pix: '#0d9488', card: '#2563eb' };
const AXIS = { fill: 'var(--muted)', fontSize: 12 };

/**
 * A horizontal bar chart (recharts): the categories are rows with their names on the left, so that long plan and
 * cluster names stay readable on a phone; its height grows with the rows.
 */
function Bars({
  label,
  data,
  bars,
  stacked,
}: {
  label: string;
  data: ({ name: string } & Record<string, string | number>)[];
  bars: { key: string; name: string; color: string }[];
  stacked?: boolean;
}) {
  const { locale, t } = useI18n();
  const compact = new Intl.NumberFormat(locale, { style: 'currency', currency: 'BRL', notation: 'compact', maximumFractionDigits: 1 });
  const height = 70 + data.length * (stacked ? 36 : 24 * bars.length + 16);
  // A month without any of these values says so, instead of drawing empty axes.
  if (data.every((row) => bars.every((bar) => !Number(row[bar.key])))) {
    return (
      <figure className="chart" style={{ margin: 0 }}>
        <figcaption style={{ fontWeight: 700, marginBottom: '.5rem' }}>{label}</figcaption>
        <p className="muted small" style={{ margin: 0 }}>
          {t('admin.finance.nothing')}
        </p>
      </figure>
    );
  }
  return (
    <figure className="chart" style={{ margin: 0 }} role="img" aria-label={label}>
      <figcaption style={{ fontWeight: 700, marginBottom: '.5rem' }}>{label}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid horizontal={false} stroke="var(--border)" />
          <XAxis type="number" tick={AXIS} tickFormatter={(cents: number) => compact.format(cents / 100)} stroke="var(--border)" />
          <YAxis type="category" dataKey="name" tick={AXIS} width={96} stroke="var(--border)" />
          <Tooltip
            formatter={(value) => formatBRL(Number(value), locale)}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' }}
            cursor={{ fill: 'var(--surface-2)' }}
          />
          <Legend wrapperStyle={{ fontSize: 13 }} formatter={(value) => <span style={{ color: 'var(--text)' }}>{value}</span>} />
          {bars.map((bar) => (
            <Bar key={bar.key} dataKey={bar.key} name={bar.name} fill={bar.color} stackId={stacked ? 'one' : undefined} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function FinanceCharts({ finance }: { finance: Finance }) {
  const { t } = useI18n();
  const plans = finance.byPlan.map((row) => ({ name: row.planName, revenue: row.revenueCents, cost: row.allocatedCostCents }));
  const clusters = finance.byCluster.map((row) => ({ name: row.clusterName, used: row.costCents - row.idleCostCents, idle: row.idleCostCents }));
  const methods = [
    {
      name: t('admin.finance.revenue'),
      pix: finance.byMethod.find((row) => row.method === 'pix')?.revenueCents ?? 0,
      card: finance.byMethod.find((row) => row.method === 'card')?.revenueCents ?? 0,
    },
  ];
  return (
    <div className="form-grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 26rem), 1fr))' }}>
      <div className="card">
        <Bars
          label={t('admin.finance.chartPlans')}
          data={plans}
          bars={[
            { key: 'revenue', name: t('admin.finance.revenue'), color: COLORS.revenue },
            { key: 'cost', name: t('admin.finance.allocatedCost'), color: COLORS.cost },
          ]}
        />
      </div>
      <div className="card">
        <Bars
          label={t('admin.finance.chartClusters')}
          data={clusters}
          stacked
          bars={[
            { key: 'used', name: t('admin.finance.allocated'), color: COLORS.cost },
            { key: 'idle', name: t('admin.finance.idle'), color: COLORS.idle },
          ]}
        />
      </div>
      <div className="card">
        <Bars
          label={t('admin.finance.chartMethods')}
          data={methods}
          stacked
          bars={[
            { key: 'pix', name: t('bill.methodName.pix'), color: COLORS.pix },
            { key: 'card', name: t('bill.methodName.card'), color: COLORS.card },
          ]}
        />
      </div>
    </div>
  );
}
