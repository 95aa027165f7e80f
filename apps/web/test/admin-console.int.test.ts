import path from 'node:path';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
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
  api = await startTestApi({ mode: 'full', web: true, env: { ZAPDEPLOY_SUPERADMINS: OWNER, ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' } });
  browser = await launchChromium();
  owner = await newContext();
  await signUp(owner, OWNER, 'Dona Console');
  page = await owner.newPage();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
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
});
