import { tables } from '@zapdeploy/db';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { type MercadoPagoStandIn, startMercadoPagoStandIn } from '@zapdeploy/test-support/stand-ins/mercadopago';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshots } from './browser.js';

let git: GitServer;
let mp: MercadoPagoStandIn;
let api: TestApi;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  git = await new GitServer().start();
  mp = await startMercadoPagoStandIn();
  api = await startTestApi({
    mode: 'full',
    web: true,
    payments: true,
    env: {
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'true',
      MERCADOPAGO_ACCESS_TOKEN: mp.accessToken,
      MERCADOPAGO_WEBHOOK_SECRET: mp.webhookSecret,
      MERCADOPAGO_API_URL: mp.url,
    },
  });
  browser = await launchChromium();
  const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await mp?.close();
  await git?.stop();
});

describe('paying for a plan in the dashboard (pt-BR)', () => {
  it('creates a paid instance, shows the Pix QR and copia e cola, and activates it when Mercado Pago says it is paid', async () => {
    const signUp = await page.request.post(`${api.url}/api/auth/sign-up/email`, {
      data: { email: 'compradora@example.com', password: 'cavalo-bateria-grampo', name: 'Compradora' },
      headers: { origin: api.url },
    });
    expect(signUp.status()).toBe(200);
    await page.goto(`${api.url}/instances/new`);
    const repoUrl = await git.commit(`paid-bot-${Date.now()}`, fixtures.nodeBot);
    await page.getByLabel('Nome', { exact: true }).fill('bot-pago');
    await page.getByLabel('Endereço do repositório (GitHub)').fill(repoUrl);
    await page.getByLabel('Plano', { exact: true }).selectOption('plan_bot');
    await page.getByText('a instância é criada agora e sobe assim que o pagamento').waitFor();
    await page.getByRole('button', { name: 'Criar e fazer deploy' }).click();
    await page.waitForURL('**/instances/ins_*?tab=billing');
    await page.getByTestId('billing-panel').getByText('Aguardando o primeiro pagamento').waitFor();
    await page.getByRole('button', { name: 'Pagar plano' }).waitFor();
    await expectAccessible(page, 'billing');
    await screenshots(page, 'billing-choose');

    await page.getByRole('button', { name: 'Pagar Bot' }).click();
    const pix = page.getByTestId('pix-checkout');
    await pix.getByRole('img', { name: 'QR code Pix de R$ 5,00' }).waitFor();
    expect(await pix.getByLabel('Pix copia e cola').inputValue()).toMatch(/^000201/);
    await pix.getByText('Aguardando a confirmação do pagamento').waitFor();
    await expectAccessible(page, 'billing pix');
    await screenshots(page, 'billing-pix');

    const payment = [...mp.payments.values()].at(-1);
    if (!payment) throw new Error('no Pix payment at the stand-in');
    mp.setPaymentStatus(payment.id, 'approved');
    expect(await mp.notify(`${api.url}/api/webhooks/mercadopago`, { topic: 'payment', dataId: String(payment.id) })).toBe(200);
    await page.getByText('Pagamento aprovado! O plano já está ativo.').waitFor({ timeout: 30_000 });
    await page.getByRole('cell', { name: 'Aprovado' }).waitFor();
    await page.getByText(/^Pago até /).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Pagar plano' }).count(), { timeout: 30_000 }).toBe(0);
    await screenshots(page, 'billing-paid');
  });

  it('sends a card upgrade to Mercado Pago for the difference', async () => {
    await page.getByText('Upgrade: você paga só a diferença').waitFor();
    await page.getByRole('radio', { name: /Cartão de crédito/ }).check();
    await page.getByText('Pro', { exact: true }).click();
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(mp.url), { timeout: 30_000 }),
      page.getByRole('button', { name: 'Pagar Pro' }).click(),
    ]);
    expect(request.url()).toContain('/checkout/v1/redirect?pref_id=');
    const preference = [...mp.preferences.values()].at(-1);
    expect(preference?.items).toEqual([expect.objectContaining({ unit_price: expect.any(Number), currency_id: 'BRL' })]);
    expect(preference).toMatchObject({ expires: true, expiration_date_to: expect.any(String) });
  });

  it('shows a payment that was not applied as one to be refunded', async () => {
    // The buyer pays the same Checkout Pro page twice: the first upgrades the plan, the second is refunded.
    const preference = [...mp.preferences.values()].at(-1);
    if (!preference) throw new Error('no preference at the stand-in');
    const hook = `${api.url}/api/webhooks/mercadopago`;
    const first = mp.payPreference(preference.id);
    expect(await mp.notify(hook, { topic: 'payment', dataId: String(first.id) })).toBe(200);
    await expect.poll(() => [...mp.requests].some((r) => r.method === 'GET' && r.path === `/v1/payments/${first.id}`), { timeout: 30_000 }).toBe(true);
    const second = mp.payPreference(preference.id);
    expect(await mp.notify(hook, { topic: 'payment', dataId: String(second.id) })).toBe(200);
    await expect.poll(() => mp.payments.get(second.id)?.status, { timeout: 30_000 }).toBe('refunded');
    const [bot] = await api.platform.database.db.select().from(tables.instances).where(eq(tables.instances.name, 'bot-pago'));
    await page.goto(`${api.url}/instances/${bot?.id}?tab=billing`);
    await page.getByRole('cell', { name: 'Pagamento de um orçamento já pago ou que mudou: será estornado' }).waitFor({ timeout: 30_000 });
    await screenshots(page, 'billing-refund');
  });
});
