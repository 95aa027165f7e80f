import path from 'node:path';
import { tables } from '@zapdeploy/db';
import { type MercadoPagoStandIn, startMercadoPagoStandIn } from '@zapdeploy/test-support/stand-ins/mercadopago';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, SCREENSHOTS, screenshots, VIEWPORTS } from './browser.js';

/**
 * The operator console (/admin) in Chromium, pt-BR, against the real API: the menu shows only the caller's areas,
 * each area's page drives its API, API problems are shown as their readable detail. Screenshots at 1280×800 and
 * 390×844 in artifacts/screenshots/admin-*.png.
 */

const OWNER = 'dona.console@example.com';
const FINANCE = 'fin.console@example.com';
const CUSTOMER = 'bruno.console@example.com';
const PASSWORD = 'cavalo-bateria-grampo';

let mp: MercadoPagoStandIn;
let api: TestApi;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let customerId = '';
let instanceId = '';

async function signUp(context: BrowserContext, email: string, name: string): Promise<string> {
  const response = await context.request.post(`${api.url}/api/auth/sign-up/email`, { data: { email, password: PASSWORD, name }, headers: { origin: api.url } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { user: { id: string } }).user.id;
}

async function newContext(): Promise<BrowserContext> {
  return browser.newContext({ locale: 'pt-BR', viewport: VIEWPORTS.desktop });
}

const menu = (p: Page) => p.getByRole('navigation', { name: 'Console de operação' });
const menuLinks = async (p: Page) => (await menu(p).getByRole('link').allTextContents()).map((text) => text.trim());
const notice = (p: Page) => p.getByRole('status');
const problem = (p: Page) => p.getByRole('alert');
/** What the page says after an action: its notices and problems (a failed poll shows which). */
const feedback = async (p: Page) => (await p.locator('.alert[role=status], .alert[role=alert]').allTextContents()).map((text) => text.trim()).join(' | ');

/** One phone screenshot with the console's menu open. */
async function phoneMenuScreenshot(p: Page, name: string): Promise<void> {
  await p.setViewportSize(VIEWPORTS.mobile);
  await p.getByRole('button', { name: /^Menu/ }).click();
  await menu(p).getByRole('link').first().waitFor();
  await p.screenshot({ path: path.join(SCREENSHOTS, `${name}-mobile.png`), fullPage: true });
  await p.getByRole('button', { name: 'Fechar' }).click();
  await p.setViewportSize(VIEWPORTS.desktop);
}

beforeAll(async () => {
  // With the payments service (and its Mercado Pago stand-in): a plan's new price is handed to it for card subscriptions.
  mp = await startMercadoPagoStandIn();
  api = await startTestApi({
    mode: 'full',
    web: true,
    payments: true,
    env: {
      ZAPDEPLOY_SUPERADMINS: OWNER,
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      MERCADOPAGO_ACCESS_TOKEN: mp.accessToken,
      MERCADOPAGO_WEBHOOK_SECRET: mp.webhookSecret,
      MERCADOPAGO_API_URL: mp.url,
    },
  });
  browser = await launchChromium();
  owner = await newContext();
  await signUp(owner, OWNER, 'Dona Console');
  page = await owner.newPage();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await mp?.close();
});

describe('the operator console (pt-BR)', () => {
  it('tells a signed-in user who administers nothing, readably, that there is no access', async () => {
    const context = await newContext();
    customerId = await signUp(context, CUSTOMER, 'Bruno Cliente');
    const created = await context.request.post(`${api.url}/api/v1/instances`, {
      data: { name: 'bot-do-bruno', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' },
      headers: { origin: api.url },
    });
    expect(created.status(), await created.text()).toBe(201);
    instanceId = ((await created.json()) as { id: string }).id;
    const customer = await context.newPage();
    await customer.goto(`${api.url}/admin`);
    await customer.getByRole('heading', { name: 'Sem acesso' }).waitFor();
    await customer.getByText('Esta conta não administra nenhuma área do Zapdeploy').waitFor();
    expect(await menu(customer).count()).toBe(0);
    await expectAccessible(customer, 'admin: no access');
    await screenshots(customer, 'admin-denied');
    await context.close();
  });

  it('shows the owner every area in the menu, and behind a menu button on a phone', async () => {
    await page.goto(`${api.url}/admin`);
    await page.waitForURL('**/admin/clusters');
    await expect.poll(() => menuLinks(page)).toEqual(['Clusters', 'Usuários', 'Instâncias', 'Planos', 'Financeiro', 'Administradores', 'Auditoria']);
    expect(await menu(page).getByRole('link', { name: 'Clusters' }).getAttribute('aria-current')).toBe('page');
    await page.setViewportSize(VIEWPORTS.mobile);
    expect(await menu(page).isVisible()).toBe(false);
    await page.setViewportSize(VIEWPORTS.desktop);
    await phoneMenuScreenshot(page, 'admin-menu');
  });

  it('clusters: adds one after connecting (a refused connection explained), cordons, drains, removes, moves', async () => {
    await page.goto(`${api.url}/admin/clusters`);
    await page.getByRole('button', { name: 'Adicionar cluster' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Adicionar cluster' }) });
    await form.getByLabel('Nome').fill('sp-1');
    await form.getByLabel('Região').fill('São Paulo');
    await form.getByLabel('Custo mensal (R$)').fill('150');
    await form.getByLabel('Endereço do Docker').fill('tcp://127.0.0.1:1');
    await form.getByRole('button', { name: 'Conectar e adicionar' }).click();
    await problem(page).getByText('Não foi possível usar o cluster: 127.0.0.1:1 recusou a conexão').waitFor();
    await problem(page).getByText('Nada foi salvo.').waitFor();
    await expectAccessible(page, 'admin: add cluster refused');
    await screenshots(page, 'admin-clusters-refused');
    await form.getByLabel('Endereço do Docker').fill('unix:///var/run/docker.sock');
    await form.getByRole('button', { name: 'Conectar e adicionar' }).click();
    await notice(page).getByText('Cluster sp-1 adicionado: a conexão foi testada.').waitFor({ timeout: 30_000 });
    const card = page.getByTestId('cluster-sp-1');
    await card.getByText('R$ 150,00/mês').waitFor();

    await card.getByRole('button', { name: 'Isolar' }).click();
    await expect.poll(() => card.locator('.badge').getAttribute('data-state')).toBe('cordoned');
    expect(await card.locator('.badge').textContent()).toBe('Isolado');
    await card.getByRole('button', { name: 'Reativar' }).click();
    await expect.poll(() => card.locator('.badge').textContent()).toBe('Ativo');

    await card.getByRole('button', { name: 'Editar' }).click();
    await card.getByLabel('Custo mensal (R$)').fill('180.50');
    await card.getByRole('button', { name: 'Salvar' }).click();
    await card.getByText('R$ 180,50/mês').waitFor();
    await expectAccessible(page, 'admin: clusters');
    await screenshots(page, 'admin-clusters');

    await page.getByLabel('ID da instância').fill('ins_nao_existe');
    await page.getByLabel('Para o cluster').selectOption({ label: 'sp-1' });
    await page.getByRole('button', { name: 'Mover', exact: true }).click();
    await problem(page).getByText('Instância não encontrada.').waitFor();

    await card.getByRole('button', { name: 'Drenar' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Drenar sp-1?').waitFor();
    await dialog.getByRole('button', { name: 'Drenar' }).click();
    await page.getByTestId('drain-report').getByText('sp-1: 0 instâncias sendo movidas, 0 sem lugar em outro cluster').waitFor();
    await expect.poll(() => card.locator('.badge').textContent()).toBe('Drenando');

    await card.getByRole('button', { name: 'Remover' }).click();
    await dialog.getByText('Remover sp-1?').waitFor();
    const confirm = dialog.getByRole('button', { name: 'Remover' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('sp-1').fill('sp-1');
    await confirm.click();
    await notice(page).getByText('Cluster sp-1 removido.').waitFor();
    await expect.poll(() => card.count()).toBe(0);
  });

  it('users: finds an account, suspends it with a reason, caps its instances, reinstates it', async () => {
    await page.goto(`${api.url}/admin/users`);
    await page.getByPlaceholder('E-mail, nome ou ID').fill('bruno');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByRole('link', { name: CUSTOMER }).waitFor();
    await expectAccessible(page, 'admin: users');
    await screenshots(page, 'admin-users');
    await page.getByRole('link', { name: CUSTOMER }).click();
    await page.waitForURL(`**/admin/users/${customerId}`);
    await page.getByRole('link', { name: 'bot-do-bruno' }).waitFor();
    await page.getByLabel('Motivo').fill('Spam em massa');
    await page.getByRole('button', { name: 'Suspender conta' }).click();
    await notice(page).getByText('Conta suspensa: os bots foram pausados.').waitFor();
    expect(await page.getByTestId('suspended-reason').textContent()).toBe('Spam em massa');
    await page.getByLabel('Máximo de instâncias').fill('3');
    await page
      .locator('form', { has: page.getByLabel('Máximo de instâncias') })
      .getByRole('button', { name: 'Salvar' })
      .click();
    await notice(page).getByText('Salvo.').waitFor();
    expect(await page.getByLabel('Máximo de instâncias').inputValue()).toBe('3');
    await expectAccessible(page, 'admin: user suspended');
    await screenshots(page, 'admin-user');
    await page.getByRole('button', { name: 'Reativar conta' }).click();
    await notice(page).getByText('Conta reativada').waitFor();
    await page.getByRole('button', { name: 'Suspender conta' }).waitFor();
  });

  it('instances: filters by owner, opens one with deployments and logs, acts on it, grants a courtesy plan', async () => {
    await page.goto(`${api.url}/admin/instances?userId=${customerId}`);
    await page.getByRole('link', { name: 'bot-do-bruno' }).waitFor();
    expect(await page.getByLabel('ID do dono').inputValue()).toBe(customerId);
    await expectAccessible(page, 'admin: instances');
    await screenshots(page, 'admin-instances');
    await page.getByRole('link', { name: 'bot-do-bruno' }).click();
    await page.waitForURL(`**/admin/instances/${instanceId}`);
    await page.getByRole('heading', { name: 'bot-do-bruno' }).waitFor();
    await page.getByRole('button', { name: 'Pausar' }).click();
    await notice(page).getByText('Pausar: pedido aceito').waitFor();
    await page.getByLabel('Motivo').fill('Parceiro de lançamento');
    await page.getByRole('button', { name: 'Conceder cortesia' }).click();
    await expect.poll(() => feedback(page)).toMatch(/^Cortesia concedida até \d{2}\/\d{2}\/\d{4}/);
    await expectAccessible(page, 'admin: instance');
    await screenshots(page, 'admin-instance');
  });

  it('plans: lists counts and MRR, creates one (a taken slug explained), edits saying when changes apply, archives', async () => {
    await page.goto(`${api.url}/admin/plans`);
    await page.getByTestId('total-mrr').waitFor();
    await page.getByText('Mudança de preço vale nas renovações a partir do próximo período pago').waitFor();
    await page.getByRole('button', { name: 'Novo plano' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Novo plano' }) });
    const fill = async (slug: string) => {
      await form.getByLabel('Identificador (slug)').fill(slug);
      await form.getByLabel('Nome', { exact: true }).fill('Bot Max');
      await form.getByLabel('Preço mensal (R$)').fill('99.90');
      await form.getByLabel('CPU (vCPU)').fill('2');
      await form.getByLabel('Memória (MB)').fill('2048');
      await form.getByLabel('Disco (MB)').fill('10240');
      await form.getByRole('button', { name: 'Criar plano' }).click();
    };
    await fill('bot-max');
    await notice(page).getByText('Plano Bot Max criado.').waitFor();
    const card = page.getByTestId('plan-bot-max');
    await card.getByText('R$ 99,90/mês').waitFor();
    await page.getByRole('button', { name: 'Novo plano' }).click();
    await fill('bot-max');
    await problem(page).getByText('Já existe um plano com o identificador “bot-max”.').waitFor();
    await card.getByRole('button', { name: 'Editar' }).click();
    await card.getByLabel('Preço mensal (R$)').fill('109.90');
    await card.getByLabel('Memória (MB)').fill('3072');
    await card.getByRole('button', { name: 'Salvar' }).click();
    await expect
      .poll(() => feedback(page))
      .toBe(
        'Plano Bot Max salvo. O novo preço vale nas renovações a partir do próximo período. Os novos limites valem para cada instância no próximo reinício.',
      );
    await card.getByRole('button', { name: 'Arquivar' }).click();
    await card.getByText('Arquivado').waitFor();
    await expectAccessible(page, 'admin: plans');
    await screenshots(page, 'admin-plans');
  });

  it('finance: the month’s numbers, charts, cost lines and the CSV export', async () => {
    // This month: two payments (Pix and card) and a cost on the cluster the customer's bot is placed on.
    const approvedAt = new Date();
    const payment = (n: number, planId: string, method: string, amountCents: number) => ({
      id: `pay_console_${n}`,
      instanceId,
      mpPaymentId: `mp-console-${n}`,
      planId,
      method,
      kind: 'period',
      amountCents,
      status: 'approved',
      approvedAt,
    });
    await api.platform.database.db.insert(tables.payments).values([payment(1, 'plan_bot', 'pix', 500), payment(2, 'plan_pro', 'card', 5000)]);
    const clusters = (await (await page.request.get(`${api.url}/api/v1/admin/clusters`)).json()) as { items: { id: string; name: string }[] };
    const local = clusters.items.find((cluster) => cluster.name === 'local');
    const costed = await page.request.patch(`${api.url}/api/v1/admin/clusters/${local?.id}`, {
      data: { monthlyCostCents: 12_000 },
      headers: { origin: api.url },
    });
    expect(costed.status(), await costed.text()).toBe(200);

    await page.goto(`${api.url}/admin/finance`);
    await page.getByTestId('finance-revenue').waitFor();
    await expect.poll(() => page.locator('.recharts-wrapper').count()).toBe(3);
    await page.getByLabel('Descrição').fill('Domínio zapdeploy.com.br');
    await page.getByLabel('Valor (R$)').fill('40');
    await page.getByRole('button', { name: 'Adicionar custo' }).click();
    await notice(page).getByText('Custo “Domínio zapdeploy.com.br” adicionado.').waitFor();
    await page.getByText('R$ 40,00').first().waitFor();
    const csv = page.getByRole('link', { name: 'Baixar CSV' });
    const href = (await csv.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/api\/v1\/admin\/finance\.csv\?from=\d{4}-\d{2}&to=\d{4}-\d{2}$/);
    const response = await page.request.get(`${api.url}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('text/csv');
    await expectAccessible(page, 'admin: finance');
    await screenshots(page, 'admin-finance');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'admin: finance (dark)');
    await screenshots(page, 'admin-finance-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('admins: grants an account only the finance area by e-mail; the audit log shows what was done', async () => {
    const context = await newContext();
    await signUp(context, FINANCE, 'Fernanda Finanças');
    await context.close();
    await page.goto(`${api.url}/admin/admins`);
    await page.getByTestId(`admin-${OWNER}`).waitFor();
    await page.getByLabel('E-mail ou ID da conta').fill(FINANCE);
    const grant = page.locator('form', { has: page.getByRole('heading', { name: 'Dar acesso a uma conta' }) });
    await grant.getByLabel('Financeiro').check();
    await grant.getByRole('button', { name: 'Dar acesso' }).click();
    await notice(page).getByText(`Acesso dado a ${FINANCE}.`).waitFor();
    const card = page.getByTestId(`admin-${FINANCE}`);
    await card.waitFor();
    expect(await card.getByLabel('Financeiro').isChecked()).toBe(true);
    expect(await card.getByLabel('Clusters').isChecked()).toBe(false);
    await expectAccessible(page, 'admin: admins');
    await screenshots(page, 'admin-admins');

    await page.goto(`${api.url}/admin/audit`);
    await page.getByText('user.suspend', { exact: true }).first().waitFor();
    await page.getByLabel('Ação', { exact: true }).fill('cluster.create');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expect.poll(async () => new Set(await page.locator('tbody td.mono:not(.small)').allTextContents())).toEqual(new Set(['cluster.create']));
    await expectAccessible(page, 'admin: audit');
    await screenshots(page, 'admin-audit');
  });

  it('shows an admin with only the finance area only finance, in the menu and on the other pages', async () => {
    const context = await newContext();
    const signIn = await context.request.post(`${api.url}/api/auth/sign-in/email`, {
      data: { email: FINANCE, password: PASSWORD },
      headers: { origin: api.url },
    });
    expect(signIn.status()).toBe(200);
    const finance = await context.newPage();
    await finance.goto(`${api.url}/admin`);
    await finance.waitForURL('**/admin/finance');
    await expect.poll(() => menuLinks(finance)).toEqual(['Financeiro']);
    await finance.getByTestId('finance-revenue').waitFor();
    await screenshots(finance, 'admin-finance-only');
    for (const area of ['clusters', 'users', 'instances', 'plans', 'admins', 'audit']) {
      await finance.goto(`${api.url}/admin/${area}`);
      await finance.getByTestId('admin-area-denied').getByText('Você não tem acesso a esta área do console.').waitFor();
    }
    expect((await finance.request.get(`${api.url}/api/v1/admin/clusters`)).status()).toBe(403);
    await context.close();
  });
});
