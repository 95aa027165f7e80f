import { renderSystemMessage } from '@zapdeploy/contracts';
import { logKeys } from '@zapdeploy/logstore';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The platform's own log lines are stored as codes and said in the reader's language; the bot's lines never change. */

let api: TestApi;
let user: TestClient;
let id: string;

beforeAll(async () => {
  api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' } });
  user = new TestClient(api.url);
  expect((await user.post('/api/auth/sign-up/email', { email: 'linhas@example.com', password: 'cavalo-bateria-grampo', name: 'L' })).status).toBe(200);
  const created = await user.post('/api/v1/instances', { name: 'linhas', repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
  id = created.body.id as string;
  const ts = new Date().toISOString();
  const paid = { amount: 500, payment: '42', until: '2026-12-31T12:00:00Z' };
  await api.platform.logStore.append(logKeys.instance(id), [
    { ts, stream: 'stdout', line: 'Instância pausada.' },
    { ts, stream: 'system', line: renderSystemMessage('instance_paused', {}), message: { code: 'instance_paused', params: {} } },
    { ts, stream: 'system', line: renderSystemMessage('payment_approved', paid), message: { code: 'payment_approved', params: paid } },
  ]);
});
afterAll(async () => {
  await api?.close();
});

const lines = async (path: string, language?: string) =>
  ((await user.get(path, language ? { 'accept-language': language } : {})).body.items as { stream: string; line: string }[]).map(
    (l) => `${l.stream}: ${l.line}`,
  );

describe('system lines in the reader’s language', () => {
  it('are pt-BR by default, and English or Spanish when asked (Accept-Language or ?lang)', async () => {
    expect(await lines(`/api/v1/instances/${id}/logs`)).toEqual([
      'stdout: Instância pausada.',
      'system: Instância pausada.',
      'system: Pagamento de R$ 5,00 aprovado (Mercado Pago 42): plano pago até 31/12/2026.',
    ]);
    expect(await lines(`/api/v1/instances/${id}/logs`, 'en-US,en;q=0.9')).toEqual([
      'stdout: Instância pausada.',
      'system: Instance paused.',
      'system: Payment of R$5.00 approved (Mercado Pago 42): plan paid until 12/31/2026.',
    ]);
    expect(await lines(`/api/v1/instances/${id}/logs?lang=es`, 'en')).toEqual([
      'stdout: Instância pausada.',
      'system: Instancia en pausa.',
      'system: Pago de 5,00 BRL aprobado (Mercado Pago 42): plan pagado hasta 31/12/2026.', // as the dashboard writes reais in Spanish
    ]);
  });

  it('are said in the asked language over SSE too', async () => {
    const controller = new AbortController();
    const response = await fetch(`${api.url}/api/v1/instances/${id}/logs?follow=1&limit=10&lang=en`, {
      headers: { cookie: user.cookieHeader() },
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    let text = '';
    while (reader && !text.includes('Payment of')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('"line":"Instance paused."');
    expect(text).toContain('"line":"Instância pausada."'); // the bot's own line, untouched
  });
});
