import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshots } from './browser.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('a public install (pt-BR)', () => {
  let api: TestApi;
  let page: Page;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'full', web: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'true', ZAPDEPLOY_GUEST_TTL_DAYS: '7' } });
    page = await (await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 800 } })).newPage();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('tells a guest, on every page, when an idle guest and their bot are deleted', async () => {
    await page.goto(`${api.url}/login`);
    await page.getByText('visitantes sem uso por 7 dias são apagados com o bot').waitFor();
    await page.getByRole('button', { name: 'Continuar sem conta' }).click();
    await page.waitForURL('**/instances/new');
    const notice = page.getByTestId('guest-expiry');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/^Se você não voltar até \d{2}\/\d{2}\/\d{4}.*, este visitante e o bot serão apagados\.$/);
    await page.goto(`${api.url}/instances`);
    await notice.waitFor();
    await expectAccessible(page, 'guest expiry notice');
    await screenshots(page, 'guest-expiry-notice');
  });

  it('lets a user pick what a token may do and how long it lives, and shows both', async () => {
    await page.goto(`${api.url}/login?mode=signup`);
    await page.getByLabel('Nome').fill('Tina');
    await page.getByLabel('E-mail').fill('tina.web@example.com');
    await page.getByLabel('Senha').fill('cavalo-bateria-grampo');
    await page.locator('form').getByRole('button', { name: 'Criar conta' }).click();
    await page.waitForURL('**/instances');
    await page.goto(`${api.url}/account`);
    await page.getByRole('heading', { name: 'Tokens de API' }).waitFor();
    expect(await page.getByRole('radio', { name: /Só leitura/ }).isChecked()).toBe(true);
    await page.getByPlaceholder('Nome do token').fill('ci');
    await page.getByRole('radio', { name: /Deploy/ }).check();
    await page.getByLabel('Validade').selectOption('30');
    await page.getByRole('button', { name: 'Criar token' }).click();
    await expect.poll(() => page.getByTestId('fresh-token').textContent()).toMatch(/^zd_pat_/);
    await expect.poll(() => page.getByTestId('token-scope').first().textContent()).toBe('Deploy');
    await page.getByText(/expira \d{2}\/\d{2}\/\d{4}/).waitFor();
    const token = (await page.getByTestId('fresh-token').textContent()) ?? '';
    const me = await fetch(`${api.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { scope: string }).scope).toBe('deploy');
    await expectAccessible(page, 'account tokens');
    await screenshots(page, 'account-token-scopes');
  });
});

describe('a closed install (pt-BR)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'full', web: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_SIGNUP_ALLOWLIST: '@empresa.com.br' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('offers no guest button and says who may sign up', async () => {
    const page = await (await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(api.url);
    await page.getByRole('link', { name: 'Entrar' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Continuar sem conta' }).count()).toBe(0);
    await page.goto(`${api.url}/login?mode=signup`);
    await page.getByTestId('signup-policy').getByText('Cadastro restrito').waitFor();
    expect(await page.getByRole('button', { name: 'Continuar sem conta' }).count()).toBe(0);
    await page.getByLabel('Nome').fill('Estranho');
    await page.getByLabel('E-mail').fill('estranho@example.com');
    await page.getByLabel('Senha').fill('cavalo-bateria-grampo');
    await page.locator('form').getByRole('button', { name: 'Criar conta' }).click();
    await page.getByRole('alert').getByText('O cadastro está fechado nesta instalação').waitFor();
    await expectAccessible(page, 'closed sign-up');
    await screenshots(page, 'login-closed-install');
    // Where Better Auth sends a refused GitHub sign-in (apps/api/test/private-install.int.test.ts).
    await page.goto(`${api.url}/login?error=SIGNUPS_CLOSED&error_description=signups_closed`);
    await page.getByTestId('github-error').getByText('o seu e-mail do GitHub não foi autorizado').waitFor();
  });
});

describe('npm start on a laptop (embedded, closed, pt-BR)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ mode: 'embedded', web: true, env: { ZAPDEPLOY_SIGNUP_ALLOWLIST: '' } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('takes the newcomer from the dashboard to their first account', async () => {
    const page = await (await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(api.url);
    await page.getByRole('link', { name: 'Criar a primeira conta' }).click();
    await page.waitForURL('**/login?mode=signup');
    await page.getByTestId('signup-policy').getByText('a primeira é a sua').waitFor();
    expect(await page.getByRole('button', { name: 'Continuar sem conta' }).count()).toBe(0);
    await expectAccessible(page, 'first account');
    await screenshots(page, 'login-first-account');
    await page.getByLabel('Nome').fill('Dona');
    await page.getByLabel('E-mail').fill('dona@example.com');
    await page.getByLabel('Senha').fill('cavalo-bateria-grampo');
    await page.locator('form').getByRole('button', { name: 'Criar conta' }).click();
    await page.waitForURL('**/instances');
    await page.getByText('Nenhuma instância ainda').waitFor();
  });
});
