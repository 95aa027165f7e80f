import { tables } from '@zapdeploy/db';
import { DEFAULT_BILLING_RULES, monthOf, quoteCheckout } from '@zapdeploy/domain';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { createTestDatabase } from '@zapdeploy/test-support/support/services';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The operators' plans and finance through HTTP on a real Postgres: plan CRUD and archiving, MRR and live instances,
 * a seeded month's finance figures against hand-computed ones, the CSV, cost lines, and the cluster cost periods
 * that cluster changes write.
 */

const SUPERADMIN = 'tesouraria@example.com';
const SOCKET = 'unix:///var/run/docker.sock';
/** An engine that never answers: the periodic capacity check fails on it and keeps the capacity seeded here. */
const NOWHERE = 'tcp://127.0.0.1:1';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let api: TestApi;
let owner: TestClient;
let user: TestClient;
let counter = 0;

const at = (iso: string) => new Date(iso);
const db = () => api.platform.database.db;

async function signUp(email: string): Promise<{ client: TestClient; id: string }> {
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', { email, password: 'cavalo-bateria-grampo', name: email.split('@')[0] });
  expect(response.status).toBe(200);
  return { client, id: (response.body.user as { id: string }).id };
}

async function newInstance(planId: string): Promise<string> {
  counter += 1;
  const created = await user.post('/api/v1/instances', { name: `caixa-${counter}`, repoUrl: 'https://github.com/zapdeploy/exemplo', planId });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

function expectProblem(response: { status: number; headers: Headers; body: Record<string, unknown> }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
  expect(typeof response.body.detail).toBe('string');
}

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi({
    mode: 'full',
    databaseUrl: database.url,
    // Without Mercado Pago: no card subscription to re-price on a price change.
    payments: true,
    env: { ZAPDEPLOY_SUPERADMINS: SUPERADMIN, ZAPDEPLOY_CLUSTER_CHECK_SECONDS: '3600' },
  });
  ({ client: owner } = await signUp(SUPERADMIN));
  ({ client: user } = await signUp('cliente@example.com'));
});
afterAll(async () => {
  await api?.close();
  await database?.drop();
});

describe('plans', () => {
  it('creates a plan; a taken slug is 409 plan_slug_taken; bad input is 422 problem+json', async () => {
    const created = await owner.post('/api/v1/admin/plans', {
      slug: 'turbo',
      name: 'Turbo',
      tier: 'production',
      priceCents: 9900,
      cpuMillis: 2000,
      memoryMb: 4096,
      diskMb: 20_480,
      sortOrder: 9,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toEqual({
      id: 'plan_turbo',
      slug: 'turbo',
      name: 'Turbo',
      tier: 'production',
      priceCents: 9900,
      cpuMillis: 2000,
      memoryMb: 4096,
      diskMb: 20_480,
      archived: false,
      sortOrder: 9,
      activeInstances: 0,
      mrrCents: 0,
    });
    const audit = await api.platform.adminAudit.list({ action: 'plan.create' });
    expect(audit[0]).toMatchObject({ targetId: 'plan_turbo', after: { slug: 'turbo', priceCents: 9900 } });

    const again = await owner.post('/api/v1/admin/plans', {
      slug: 'turbo',
      name: 'X',
      tier: 'production',
      priceCents: 1,
      cpuMillis: 100,
      memoryMb: 128,
      diskMb: 256,
    });
    expectProblem(again, 409, 'plan_slug_taken');
    const base = { slug: 'novo', name: 'Novo', tier: 'production', priceCents: 100, cpuMillis: 100, memoryMb: 128, diskMb: 256 };
    for (const bad of [
      { ...base, slug: 'Não Pode' },
      { ...base, priceCents: -1 },
      { ...base, memoryMb: 1.5 },
      { ...base, extra: true },
      { ...base, tier: 'gold' },
      {},
    ]) {
      expectProblem(await owner.post('/api/v1/admin/plans', bad), 422, 'validation_failed');
    }
    expectProblem(await owner.post('/api/v1/admin/plans', { ...base, tier: 'dev' }), 422, 'plan_price_tier');
    expectProblem(await owner.post('/api/v1/admin/plans', { ...base, priceCents: 0 }), 422, 'plan_price_tier');
    expectProblem(await owner.patch('/api/v1/admin/plans/plan_dev', { priceCents: 500 }), 422, 'plan_price_tier');
    expectProblem(await owner.patch('/api/v1/admin/plans/plan_turbo', {}), 422, 'validation_failed');
    expectProblem(await owner.patch('/api/v1/admin/plans/plan_nope', { name: 'x' }), 404, 'plan_not_found');
    expect((await owner.request('DELETE', '/api/v1/admin/plans/plan_turbo')).status).toBe(404);
    expect((await owner.get('/api/v1/admin/plans')).body.items).toHaveLength(5);
  });

  it('counts live instances and MRR (active paid billings at the plan price; courtesy and ended left out)', async () => {
    const paying = await newInstance('plan_turbo');
    const courtesy = await newInstance('plan_turbo');
    const ended = await newInstance('plan_turbo');
    const paidUntil = new Date(Date.now() + 40 * 86_400_000);
    await db()
      .insert(tables.instanceBilling)
      .values([
        { instanceId: paying, planId: 'plan_turbo', state: 'active', method: 'card', paidUntil },
        { instanceId: courtesy, planId: 'plan_turbo', state: 'active', method: 'courtesy', paidUntil },
        { instanceId: ended, planId: 'plan_turbo', state: 'ended', method: 'pix', paidUntil: at('2026-01-01T00:00:00Z') },
      ]);
    const turbo = ((await owner.get('/api/v1/admin/plans')).body.items as Record<string, unknown>[]).find((p) => p.id === 'plan_turbo');
    expect(turbo).toMatchObject({ activeInstances: 3, mrrCents: 9900 });
  });

  it('changes price and limits, saying when they apply; what was paid stays, the next period is quoted at the new price', async () => {
    const instanceId = await newInstance('plan_turbo');
    await db().insert(tables.payments).values({
      id: 'pay_turbo_1',
      instanceId,
      mpPaymentId: 'mp-turbo-1',
      planId: 'plan_turbo',
      method: 'pix',
      kind: 'period',
      amountCents: 9900,
      status: 'approved',
      approvedAt: new Date(),
    });
    const changed = await owner.patch('/api/v1/admin/plans/plan_turbo', { priceCents: 12_900, memoryMb: 8192, name: 'Turbo 2' });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({
      priceCents: 12_900,
      memoryMb: 8192,
      name: 'Turbo 2',
      mrrCents: 12_900,
      appliesFrom: { price: 'next_period', limits: 'next_restart' },
    });
    const [paid] = await db().select().from(tables.payments).where(eq(tables.payments.id, 'pay_turbo_1'));
    expect(paid?.amountCents).toBe(9900);
    // The payments service quotes a renewal from the plan as it is when the checkout is made.
    const plan = await api.platform.plans.findById('plan_turbo');
    if (!plan) throw new Error('plan_turbo is gone');
    const quote = quoteCheckout({ billing: null, paidPlan: null, target: plan, method: 'pix', now: new Date(), rules: DEFAULT_BILLING_RULES });
    expect(quote).toEqual({ kind: 'period', amountCents: 12_900 });
    const audit = await api.platform.adminAudit.list({ action: 'plan.update' });
    expect(audit[0]).toMatchObject({ before: { priceCents: 9900, memoryMb: 4096 }, after: { priceCents: 12_900, memoryMb: 8192 } });
  });

  it('archives a plan: hidden from the public list, no new instance or plan change onto it (422 plan_archived), those on it stay', async () => {
    const onIt = await newInstance('plan_turbo');
    const archived = await owner.patch('/api/v1/admin/plans/plan_turbo', { archived: true });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ archived: true, appliesFrom: { price: 'next_period', limits: 'next_restart' } });
    expect(((await new TestClient(api.url).get('/api/v1/plans')).body as { id: string }[]).map((p) => p.id)).not.toContain('plan_turbo');
    expect(((await owner.get('/api/v1/admin/plans')).body.items as { id: string }[]).map((p) => p.id)).toContain('plan_turbo');
    const refused = await user.post('/api/v1/instances', { name: 'tarde', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_turbo' });
    expectProblem(refused, 422, 'plan_archived');
    const other = await newInstance('plan_bot');
    expectProblem(await user.patch(`/api/v1/instances/${other}`, { planId: 'plan_turbo' }), 422, 'plan_archived');
    expectProblem(await user.post(`/api/v1/instances/${other}/checkout`, { planId: 'plan_turbo', method: 'pix' }), 422, 'plan_archived');
    expect((await user.get(`/api/v1/instances/${onIt}`)).body).toMatchObject({ planId: 'plan_turbo' });
    expect((await user.patch(`/api/v1/instances/${onIt}`, { name: 'continua' })).status).toBe(200);
    // Renewing the plan it is on is not refused (this install has no Mercado Pago, so it goes no further).
    expectProblem(await user.post(`/api/v1/instances/${onIt}/checkout`, { planId: 'plan_turbo', method: 'pix' }), 503, 'payments_not_configured');
    expect((await api.platform.adminAudit.list({ action: 'plan.archive' }))[0]?.targetId).toBe('plan_turbo');

    expect((await owner.patch('/api/v1/admin/plans/plan_turbo', { archived: false })).body).toMatchObject({ archived: false });
    expect(((await new TestClient(api.url).get('/api/v1/plans')).body as { id: string }[]).map((p) => p.id)).toContain('plan_turbo');
  });

  it('is for plans.read / plans.write holders only', async () => {
    expect((await new TestClient(api.url).get('/api/v1/admin/plans')).status).toBe(401);
    expectProblem(await user.get('/api/v1/admin/plans'), 403, 'forbidden');
    expectProblem(await user.patch('/api/v1/admin/plans/plan_bot', { priceCents: 1 }), 403, 'forbidden');
    expectProblem(await user.get('/api/v1/admin/finance?month=2026-03'), 403, 'forbidden');
  });
});

describe('cluster cost periods', () => {
  it('opens a period when a cluster is added, closes and reopens it on a cost change, closes it on removal', async () => {
    const periods = async (clusterId: string) =>
      db().select().from(tables.clusterCostPeriods).where(eq(tables.clusterCostPeriods.clusterId, clusterId)).orderBy(asc(tables.clusterCostPeriods.id));
    const created = await owner.post('/api/v1/admin/clusters', {
      name: 'custo-1',
      kind: 'docker',
      region: 'sa',
      credentials: SOCKET,
      monthlyCostCents: 12_000,
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(await periods(id)).toMatchObject([{ clusterName: 'custo-1', monthlyCostCents: 12_000, endedAt: null }]);

    expect((await owner.patch(`/api/v1/admin/clusters/${id}`, { region: 'rj' })).status).toBe(200);
    expect(await periods(id)).toHaveLength(1);
    expect((await owner.patch(`/api/v1/admin/clusters/${id}`, { name: 'custo-um' })).status).toBe(200);
    expect(await periods(id)).toMatchObject([{ clusterName: 'custo-um', monthlyCostCents: 12_000, endedAt: null }]);

    expect((await owner.patch(`/api/v1/admin/clusters/${id}`, { monthlyCostCents: 15_000 })).status).toBe(200);
    const [first, second] = await periods(id);
    expect(first?.endedAt).toBeInstanceOf(Date);
    expect(second).toMatchObject({ monthlyCostCents: 15_000, endedAt: null });
    expect(second?.startedAt.getTime()).toBe(first?.endedAt?.getTime());

    expect((await owner.request('DELETE', `/api/v1/admin/clusters/${id}`)).status).toBe(204);
    expect((await periods(id)).every((period) => period.endedAt !== null)).toBe(true);
  });

  it('opens one for the platform’s own `local` cluster when it is created', async () => {
    const [local] = await db().select().from(tables.clusters).where(eq(tables.clusters.name, 'local'));
    expect(
      await db()
        .select()
        .from(tables.clusterCostPeriods)
        .where(eq(tables.clusterCostPeriods.clusterId, local?.id ?? '')),
    ).toMatchObject([{ clusterName: 'local', monthlyCostCents: 0, endedAt: null }]);
  });
});

describe('finance of a seeded month (March 2026, 31 days)', () => {
  beforeAll(async () => {
    const clusters = api.platform.clusters;
    const capacity = (memoryMb: number) => ({
      capacityMemoryMb: memoryMb,
      capacityCpuMillis: 8000,
      allocatableMemoryMb: memoryMb,
      allocatableCpuMillis: 8000,
      nodes: 1,
    });
    // sp-1: R$ 310,00 a month since January, R$ 465,00 from 21 March 10:00; 4 096 MB for bots.
    const sp1 = await db().transaction(async (tx) => {
      const id = await clusters.create(
        {
          name: 'sp-1',
          kind: 'docker',
          region: 'sa',
          credentials: NOWHERE,
          registry: null,
          storageClass: null,
          monthlyCostCents: 31_000,
          capacity: capacity(4096),
        },
        tx,
        at('2026-01-01T00:00:00Z'),
      );
      await clusters.update(id, { monthlyCostCents: 46_500 }, tx, at('2026-03-21T10:00:00Z'));
      return id;
    });
    // rj-1: added on 16 March 14:00, R$ 620,00 a month; 8 192 MB.
    const rj1 = await db().transaction((tx) =>
      clusters.create(
        {
          name: 'rj-1',
          kind: 'docker',
          region: 'rj',
          credentials: NOWHERE,
          registry: null,
          storageClass: null,
          monthlyCostCents: 62_000,
          capacity: capacity(8192),
        },
        tx,
        at('2026-03-16T14:00:00Z'),
      ),
    );
    // Instances: Bot (256 MB) on sp-1 all month; Pro (2 048 MB) on sp-1 from the 12th; Bot on rj-1 since February.
    const bot1 = await newInstance('plan_bot');
    const pro = await newInstance('plan_pro');
    const bot2 = await newInstance('plan_bot');
    const place = (id: string, clusterId: string, createdAt: Date) =>
      db().update(tables.instances).set({ clusterId, createdAt }).where(eq(tables.instances.id, id));
    await place(bot1, sp1, at('2026-03-01T00:00:00Z'));
    await place(pro, sp1, at('2026-03-12T08:00:00Z'));
    await place(bot2, rj1, at('2026-02-01T00:00:00Z'));
    const payment = (
      n: number,
      instanceId: string,
      planId: string,
      method: string,
      amountCents: number,
      status: string,
      approvedAt: Date | null,
      reversedAt: Date | null = null,
    ) => ({
      id: `pay_march_${n}`,
      instanceId,
      mpPaymentId: `mp-march-${n}`,
      planId,
      method,
      kind: 'period',
      amountCents,
      status,
      approvedAt,
      reversedAt,
    });
    await db()
      .insert(tables.payments)
      .values([
        payment(1, bot1, 'plan_bot', 'pix', 500, 'approved', at('2026-03-05T12:00:00Z')),
        payment(2, pro, 'plan_pro', 'card', 5000, 'approved', at('2026-03-10T12:00:00Z')),
        // Paid in February, refunded on 2 March.
        payment(3, bot1, 'plan_bot', 'card', 500, 'refunded', at('2026-02-20T12:00:00Z'), at('2026-03-02T09:00:00Z')),
        // Paid on the 12th, charged back on the 20th.
        payment(4, pro, 'plan_pro', 'pix', 5000, 'charged_back', at('2026-03-12T12:00:00Z'), at('2026-03-20T09:00:00Z')),
        // Approved but never applied (late): refunded by the payments service, never revenue.
        { ...payment(5, bot1, 'plan_bot', 'pix', 500, 'approved', null), refundStatus: 'due', refundReason: 'checkout_expired' },
        // April, by a second.
        payment(6, pro, 'plan_pro', 'pix', 5000, 'approved', at('2026-04-01T00:00:00Z')),
      ]);
  });

  it('adds and lists cost lines; removes one; bad input is 422, a missing line 404', async () => {
    for (const [label, amountCents] of [
      ['Domínios', 4000],
      ['E-mail', 1500],
      ['Apagar', 999],
    ] as const) {
      const added = await owner.post('/api/v1/admin/finance/cost-lines', { month: '2026-03', label, amountCents });
      expect(added.status, added.text).toBe(201);
      expect(added.body).toMatchObject({ month: '2026-03', label, amountCents });
    }
    const listed = await owner.get('/api/v1/admin/finance/cost-lines?month=2026-03');
    expect((listed.body.items as { label: string }[]).map((l) => l.label)).toEqual(['Domínios', 'E-mail', 'Apagar']);
    const doomed = (listed.body.items as { id: string; label: string }[]).find((l) => l.label === 'Apagar');
    expect((await owner.request('DELETE', `/api/v1/admin/finance/cost-lines/${doomed?.id}`)).status).toBe(204);
    expectProblem(await owner.request('DELETE', `/api/v1/admin/finance/cost-lines/${doomed?.id}`), 404, 'cost_line_not_found');
    expect((await api.platform.adminAudit.list({ action: 'cost_line.delete' }))[0]?.before).toMatchObject({ label: 'Apagar', amountCents: 999 });
    for (const bad of [
      { month: '2026-3', label: 'x', amountCents: 1 },
      { month: '2026-03', label: '', amountCents: 1 },
      { month: '2026-03', label: 'x', amountCents: 0 },
      { month: '2026-03', label: 'x', amountCents: 1, extra: 1 },
    ]) {
      expectProblem(await owner.post('/api/v1/admin/finance/cost-lines', bad), 422, 'validation_failed');
    }
    expectProblem(await owner.get('/api/v1/admin/finance/cost-lines'), 422, 'validation_failed');
  });

  it('equals the hand-computed figures', async () => {
    const march = await owner.get('/api/v1/admin/finance?month=2026-03');
    expect(march.status, march.text).toBe(200);
    const lines = march.body.costLines as { id: string }[];
    expect(march.body).toEqual({
      month: '2026-03',
      // Applied in March: 500 + 5 000 + 5 000 = 10 500; reversed in March: 500 + 5 000 = 5 500.
      revenueCents: 5000,
      refundsCents: 5500,
      // sp-1 36 500 + rj-1 32 000 + cost lines 5 500.
      costCents: 74_000,
      marginCents: -69_000,
      projected: false,
      byPlan: [
        // Pro: 5 000 + 5 000 − 5 000; 2 048 MB × 20 d of 4 096 MB × 31 d of 36 500 = 11 774.19 → 11 774.
        { planId: 'plan_pro', planName: 'Pro', revenueCents: 5000, payments: 2, allocatedCostCents: 11_774 },
        // Bot: 500 − 500; sp-1 256 × 31 of 4 096 × 31 of 36 500 = 2 281.25 → 2 281; rj-1 256 × 16 of 8 192 × 16 of 32 000 = 1 000.
        { planId: 'plan_bot', planName: 'Bot', revenueCents: 0, payments: 1, allocatedCostCents: 3281 },
      ],
      byMethod: [
        { method: 'pix', revenueCents: 500 },
        { method: 'card', revenueCents: 4500 },
      ],
      byCluster: [
        // 62 000 × 16 / 31 (16th to 31st).
        { clusterId: expect.any(String), clusterName: 'rj-1', costCents: 32_000, activeDays: 16, idleCostCents: 31_000 },
        // (31 000 × 20 + 46 500 × 11) / 31.
        { clusterId: expect.any(String), clusterName: 'sp-1', costCents: 36_500, activeDays: 31, idleCostCents: 36_500 - 11_774 - 2281 },
      ],
      costLines: [
        { id: lines[0]?.id, label: 'Domínios', amountCents: 4000 },
        { id: lines[1]?.id, label: 'E-mail', amountCents: 1500 },
      ],
    });
  });

  it('exports months as CSV, one row each', async () => {
    const csv = await owner.request('GET', '/api/v1/admin/finance.csv?from=2026-02&to=2026-03', undefined, { accept: 'text/csv' });
    expect(csv.status, csv.text).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('zapdeploy-finance-2026-02-2026-03.csv');
    expect(csv.text.trimEnd().split('\r\n')).toEqual([
      'month,projected,revenue_cents,refunds_cents,pix_revenue_cents,card_revenue_cents,cluster_cost_cents,idle_cost_cents,cost_lines_cents,cost_cents,margin_cents',
      // February: the card payment of the 20th; sp-1 all month (31 000), nothing placed there yet.
      '2026-02,false,500,0,0,500,31000,31000,0,31000,-30500',
      '2026-03,false,5000,5500,500,4500,68500,53445,5500,74000,-69000',
    ]);
  });

  it('refuses bad months and ranges with problem+json', async () => {
    expectProblem(await owner.get('/api/v1/admin/finance?month=2026-13'), 422, 'validation_failed');
    expectProblem(await owner.get('/api/v1/admin/finance'), 422, 'validation_failed');
    const next = monthOf(new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1))).key;
    expectProblem(await owner.get(`/api/v1/admin/finance?month=${next}`), 422, 'finance_month_future');
    expectProblem(await owner.get('/api/v1/admin/finance.csv?from=2026-03&to=2026-02'), 422, 'validation_failed');
    expectProblem(await owner.get('/api/v1/admin/finance.csv?from=2010-01&to=2026-03'), 422, 'finance_range_too_long');
    expectProblem(await owner.get(`/api/v1/admin/finance.csv?from=2026-01&to=${next}`), 422, 'finance_month_future');
  });

  it('projects the current month: renewals due before it ends count at the plan’s current price', async () => {
    const now = new Date();
    const current = monthOf(now);
    const before = await owner.get(`/api/v1/admin/finance?month=${current.key}`);
    expect(before.body.projected).toBe(true);
    const renewing = await newInstance('plan_pro');
    const paidUntil = new Date(Math.min(now.getTime() + 10 * 60_000, current.end.getTime() - 1000));
    await db().insert(tables.instanceBilling).values({ instanceId: renewing, planId: 'plan_pro', state: 'active', method: 'pix', paidUntil });
    const after = await owner.get(`/api/v1/admin/finance?month=${current.key}`);
    expect(after.body).toMatchObject({ month: current.key, projected: true });
    expect((after.body.revenueCents as number) - (before.body.revenueCents as number)).toBe(5000);
    const method = (body: Record<string, unknown>) =>
      (body.byMethod as { method: string; revenueCents: number }[]).find((m) => m.method === 'pix')?.revenueCents ?? 0;
    expect(method(after.body) - method(before.body)).toBe(5000);
  });
});

describe('on embedded PGlite (one connection)', () => {
  let embedded: TestApi;
  beforeAll(async () => {
    embedded = await startTestApi({ mode: 'embedded', env: { ZAPDEPLOY_RUNTIME: 'process', ZAPDEPLOY_SUPERADMINS: SUPERADMIN } });
  });
  afterAll(async () => {
    await embedded?.close();
  });

  it('lists plans, archives one, and answers the current month and a cost line', async () => {
    const admin = new TestClient(embedded.url);
    expect((await admin.post('/api/auth/sign-up/email', { email: SUPERADMIN, password: 'cavalo-bateria-grampo', name: 'tesouraria' })).status).toBe(200);
    expect((await admin.get('/api/v1/admin/plans')).body.items).toHaveLength(4);
    expect((await admin.patch('/api/v1/admin/plans/plan_pro', { archived: true })).body).toMatchObject({ archived: true });
    const month = monthOf(new Date()).key;
    expect((await admin.post('/api/v1/admin/finance/cost-lines', { month, label: 'Backup', amountCents: 700 })).status).toBe(201);
    const finance = await admin.get(`/api/v1/admin/finance?month=${month}`);
    expect(finance.status, finance.text).toBe(200);
    expect(finance.body).toMatchObject({ month, projected: true, costCents: 700, costLines: [{ label: 'Backup', amountCents: 700 }] });
    expect((await admin.get(`/api/v1/admin/finance.csv?from=${month}&to=${month}`)).text).toContain(`${month},true,`);
  });
});
