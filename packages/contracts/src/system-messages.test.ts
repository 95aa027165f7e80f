import { describe, expect, it } from 'vitest';
import { renderSystemMessage, SYSTEM_MESSAGE_CODES } from './system-messages.js';

describe(renderSystemMessage.name, () => {
  it('says every message in the three languages, with the same parameters in each', () => {
    for (const code of SYSTEM_MESSAGE_CODES) {
      const names = (['pt-BR', 'en', 'es'] as const).map((locale) =>
        [...renderSystemMessage(code, {}, locale).matchAll(/\{(\w+)(?:\|\w+)?\}/g)].map((m) => m[1]).sort(),
      );
      expect(names[1], code).toEqual(names[0]);
      expect(names[2], code).toEqual(names[0]);
    }
  });

  it('formats reais and dates in the reader’s language, in Brazil’s time zone', () => {
    const params = { amount: 500, payment: '123', until: '2026-12-01T02:00:00Z' };
    expect(renderSystemMessage('payment_approved', params)).toBe('Pagamento de R$ 5,00 aprovado (Mercado Pago 123): plano pago até 30/11/2026.');
    expect(renderSystemMessage('payment_approved', params, 'en')).toBe('Payment of R$5.00 approved (Mercado Pago 123): plan paid until 11/30/2026.');
    expect(renderSystemMessage('instance_paused', {}, 'es')).toBe('Instancia en pausa.');
  });
});
