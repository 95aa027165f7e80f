import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshots } from './browser.js';

let git: GitServer;
let api: TestApi;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let instanceUrl = '';
/** What Chromium reported as blocked by the Content-Security-Policy, on any page of this file. */
const cspViolations: string[] = [];

beforeAll(async () => {
  git = await new GitServer().start();
  // A closed install (production plans without payment) that still lets visitors try as guests.
  api = await startTestApi({ mode: 'full', web: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_GUESTS: 'true' } });
  browser = await launchChromium();
  owner = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 800 } });
  page = await owner.newPage();
  owner.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await git?.stop();
});

const statusBadge = (p: Page) => p.locator('h1 + span .badge');

describe('the dashboard, as a visitor would use it (pt-BR)', () => {
  it('sends a Content-Security-Policy that forbids framing and foreign scripts', async () => {
    const response = await fetch(`${api.url}/login`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(policy).toContain("object-src 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1] ?? '';
    const html = await response.text();
    // Next.js's own inline scripts carry the nonce; none lacks it.
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`))).toEqual([]);
  });

  it('shows what Zapdeploy does and the plans in reais', async () => {
    await page.goto(api.url);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await page.getByRole('heading', { name: 'Seu bot de WhatsApp no ar em minutos' }).waitFor();
    await page.getByText('R$ 5,00').waitFor();
    expect(await page.getByText('R$ 50,00').count()).toBe(1);
    await expectAccessible(page, 'landing');
    await screenshots(page, 'landing');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectAccessible(page, 'landing (dark)');
    await screenshots(page, 'landing-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${api.url}/login`);
    await page.getByRole('button', { name: 'Continuar sem conta' }).waitFor();
    await expectAccessible(page, 'login');
    await screenshots(page, 'login');
  });

  it('takes a guest from the landing page to a running bot with live logs', async () => {
    await page.goto(api.url);
    await page.getByRole('button', { name: 'Continuar sem conta' }).click();
    await page.waitForURL('**/instances/new');
    await page.getByText('Você está como visitante').waitFor();
    await expectAccessible(page, 'new instance');
    await screenshots(page, 'new-instance');
    const repoUrl = await git.commit(`web-bot-${Date.now()}`, fixtures.nodeBot);
    await page.getByLabel('Nome', { exact: true }).fill('meu-bot');
    await page.getByLabel('Endereço do repositório (GitHub)').fill(repoUrl);
    await expect
      .poll(() => page.getByTestId('detected').textContent(), { timeout: 30_000 })
      .toMatch(/^Detectado: Node\.js \(npm\) · inicia com “npm (run )?start”$/);
    await page.getByRole('button', { name: 'Criar e fazer deploy' }).click();
    await page.waitForURL('**/instances/ins_*');
    instanceUrl = page.url();
    await expect.poll(() => statusBadge(page).getAttribute('data-status'), { timeout: 120_000 }).toBe('running');
    await page.getByTestId('log-terminal').getByText('bot started deps ok user 1000').waitFor({ timeout: 60_000 });
    await page.getByTestId('log-terminal').getByText('tick 3', { exact: true }).waitFor({ timeout: 30_000 });
    await expectAccessible(page, 'instance');
    await screenshots(page, 'instance-logs');
    await page.getByRole('tab', { name: 'Deploys' }).click();
    await page.getByText('Deploy #1').waitFor();
    await page
      .getByTestId('log-terminal')
      .getByText(/^build ok/)
      .waitFor({ timeout: 30_000 });
    await screenshots(page, 'instance-deploys');
    // Guests are told plainly that paying needs an account, and that the bot stays with them.
    await page.getByRole('tab', { name: 'Plano e pagamento' }).click();
    await page.getByText('Crie sua conta grátis para pagar um plano').waitFor();
    await expectAccessible(page, 'billing (guest)');
    await page.getByRole('tab', { name: 'Logs' }).click();
  });

  it('pauses and resumes, with the status changing live', async () => {
    await page.getByRole('button', { name: 'Pausar' }).click();
    await expect.poll(() => statusBadge(page).getAttribute('data-status'), { timeout: 60_000 }).toBe('paused');
    await expect.poll(() => statusBadge(page).textContent()).toBe('Pausada');
    await page.getByRole('button', { name: 'Retomar' }).click();
    await expect.poll(() => statusBadge(page).getAttribute('data-status'), { timeout: 60_000 }).toBe('running');
  });

  it('lists the instance and changes language, remembered across pages', async () => {
    await page.goto(`${api.url}/instances`);
    await page.getByRole('link', { name: /meu-bot/ }).waitFor();
    await expectAccessible(page, 'instances');
    await screenshots(page, 'instances');
    await page.getByRole('combobox', { name: 'Idioma' }).first().selectOption('en');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { name: 'My instances' }).waitFor();
    await page.goto(instanceUrl);
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await page.getByRole('combobox', { name: 'Language' }).first().selectOption('pt-BR');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('pt-BR');
  });

  it('keeps the guest’s bot when the guest signs up', async () => {
    await page.getByRole('link', { name: 'Crie uma conta para manter seu bot' }).click();
    await page.waitForURL('**/login?mode=signup');
    await page.getByLabel('Nome').fill('Ana');
    await page.getByLabel('E-mail').fill('ana.web@example.com');
    await page.getByLabel('Senha').fill('cavalo-bateria-grampo');
    await page.locator('form').getByRole('button', { name: 'Criar conta' }).click();
    await page.waitForURL('**/instances');
    await page.getByRole('link', { name: /meu-bot/ }).waitFor();
    expect(await page.getByText('Você está como visitante').count()).toBe(0);
    await page.goto(`${api.url}/account`);
    await page.getByRole('heading', { name: 'Tokens de API' }).waitFor();
    await page.getByPlaceholder('Nome do token').fill('cli');
    await page.getByRole('button', { name: 'Criar token' }).click();
    await expect.poll(() => page.getByTestId('fresh-token').textContent()).toMatch(/^zd_pat_/);
    await expectAccessible(page, 'account');
    await screenshots(page, 'account');
  });

  it('shows the bot’s pairing QR large and scannable, with the steps', async () => {
    const payload = `2@${'k'.repeat(44)},QUFBQUFBQUFBQUFBQUFBQQ==,QkJCQkJCQkJCQkJCQkJCQg==,Q0NDQ0NDQ0NDQ0NDQ0NDQw==`;
    const repoUrl = await git.commit(`qr-web-${Date.now()}`, {
      ...fixtures.whatsappQrBot,
      'index.js': "require('qrcode-terminal').generate(process.env.P, { small: true }, (q) => console.log(q)); setInterval(() => {}, 1000);",
    });
    await page.goto(`${api.url}/instances/new`);
    await page.getByLabel('Nome', { exact: true }).fill('bot-qr');
    await page.getByLabel('Endereço do repositório (GitHub)').fill(repoUrl);
    await page.getByLabel('Plano').selectOption('plan_bot');
    await page.getByRole('button', { name: /Adicionar variável/ }).click();
    await page.getByLabel('Nome', { exact: true }).nth(1).fill('P');
    await page.getByLabel('Valor').fill(payload);
    await page.getByRole('button', { name: 'Criar e fazer deploy' }).click();
    await page.waitForURL('**/instances/ins_*');
    await page.getByRole('tab', { name: 'WhatsApp' }).click();
    await expect.poll(() => page.getByTestId('whatsapp-qr').getAttribute('data-payload'), { timeout: 120_000 }).toBe(payload);
    await page.getByText('Aguardando a leitura do QR code').waitFor();
    await page.getByText('Aparelhos conectados', { exact: false }).first().waitFor();
    await expectAccessible(page, 'whatsapp panel');
    await screenshots(page, 'instance-whatsapp');
    await page.getByRole('button', { name: 'Desconectar o WhatsApp' }).click();
    await page.getByText('Isto apaga a sessão guardada').waitFor();
    await page.getByRole('button', { name: 'Sim, desconectar' }).click();
    await page.getByTestId('log-terminal').or(page.getByTestId('whatsapp-panel')).first().waitFor();
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByTestId('log-terminal').getByText('Sessão do WhatsApp apagada', { exact: false }).waitFor({ timeout: 60_000 });
  });

  it('downloads a backup of the WhatsApp session and restores it', async () => {
    const repoUrl = await git.commit(`session-web-${Date.now()}`, fixtures.sessionBot);
    const created = await page.request.post(`${api.url}/api/v1/instances`, {
      data: { name: 'bot-sessao', repoUrl, planId: 'plan_bot' },
      headers: { origin: api.url },
    });
    expect(created.status()).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    await page.goto(`${api.url}/instances/${id}`);
    await page
      .getByTestId('log-terminal')
      .getByText(/^session \w+ new$/)
      .waitFor({ timeout: 120_000 });
    await page.getByRole('tab', { name: 'WhatsApp' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Baixar backup' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^whatsapp-session-ins_\w+-\d{4}-\d{2}-\d{2}\.tar\.gz$/);
    await page.getByText('Backup pronto').waitFor();
    await page.getByLabel('Arquivo de backup (.tar.gz)').setInputFiles(await download.path());
    await page.getByRole('button', { name: 'Restaurar backup' }).click();
    await page.getByText('Isto troca a sessão atual pela do arquivo').waitFor();
    await expectAccessible(page, 'whatsapp session backup');
    await screenshots(page, 'instance-whatsapp-backup');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restaurar backup' }).click();
    await page.getByText('Sessão restaurada: o bot reinicia com ela.').waitFor({ timeout: 90_000 });
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page
      .getByTestId('log-terminal')
      .getByText(/^session \w+ restored$/)
      .waitFor({ timeout: 90_000 });
  });

  it('fills the new-instance form from a "deploy this example" link', async () => {
    await page.goto(`${api.url}/instances/new?repo=${encodeURIComponent('https://github.com/zapdeploy/zapdeploy')}&dir=examples/baileys-bot&name=baileys-bot`);
    await expect.poll(() => page.getByLabel('Endereço do repositório (GitHub)').inputValue()).toBe('https://github.com/zapdeploy/zapdeploy');
    expect(await page.getByLabel('Nome', { exact: true }).inputValue()).toBe('baileys-bot');
    expect(await page.locator('#rootDir').inputValue()).toBe('examples/baileys-bot');
  });

  it('shows an API error in the user’s language', async () => {
    await page.goto(`${api.url}/instances/new`);
    await page.getByLabel('Nome', { exact: true }).fill('segundo');
    await page.getByLabel('Endereço do repositório (GitHub)').fill('https://github.com/exemplo/bot');
    await page.getByRole('button', { name: 'Criar e fazer deploy' }).click();
    await page.getByRole('alert').getByText('Cada conta pode ter 1 instância no plano Dev gratuito').waitFor();
  });

  it('does not open one user’s instance for another', async () => {
    const other = await browser.newContext({ locale: 'pt-BR' });
    const stranger = await other.newPage();
    await stranger.goto(`${api.url}/login?mode=signup`);
    await stranger.getByLabel('Nome').fill('Bruno');
    await stranger.getByLabel('E-mail').fill('bruno.web@example.com');
    await stranger.getByLabel('Senha').fill('cavalo-bateria-grampo');
    await stranger.locator('form').getByRole('button', { name: 'Criar conta' }).click();
    await stranger.waitForURL('**/instances');
    await stranger.getByText('Nenhuma instância ainda').waitFor();
    await screenshots(stranger, 'instances-empty');
    await stranger.goto(instanceUrl);
    await stranger.getByText('Instância não encontrada.').waitFor();
    expect(await stranger.getByText('meu-bot').count()).toBe(0);
    await other.close();
  });

  it('deletes the instance after the name is typed', async () => {
    await page.goto(instanceUrl);
    await page.getByRole('button', { name: 'Apagar' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByRole('button', { name: 'Apagar para sempre' }).isDisabled()).toBe(true);
    await dialog.getByRole('textbox').fill('meu-bot');
    await dialog.getByRole('button', { name: 'Apagar para sempre' }).click();
    await page.waitForURL('**/instances');
    await expect.poll(async () => page.getByRole('link', { name: /meu-bot/ }).count(), { timeout: 60_000 }).toBe(0);
  });

  it('broke no Content-Security-Policy rule on any page it opened', () => {
    expect(cspViolations).toEqual([]);
  });
});
