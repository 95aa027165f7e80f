import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QrDetector } from './qr-detector.js';

const require = createRequire(import.meta.url);
const qrcodeTerminal = require('qrcode-terminal') as { generate(text: string, options: { small: boolean }, callback: (output: string) => void): void };

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
/** Payloads shaped like the real ones: Baileys v6 / whatsapp-web.js, and Baileys v7's wa.me URL. */
const PAYLOADS = {
  short: `2@${b64(12)},${b64(32)},${b64(32)}`,
  baileysV6: `2@${b64(60)},${b64(32)},${b64(32)},${b64(32)}`,
  wwebjs: `2@${b64(60)},${b64(32)},${b64(32)},${b64(32)},1`,
  baileysV7: `https://wa.me/settings/linked_devices#2@${b64(60)},${b64(32)},${b64(32)},${b64(32)},1`,
};

function terminal(text: string, small: boolean): string {
  let out = '';
  qrcodeTerminal.generate(text, { small }, (output) => {
    out = output;
  });
  return out;
}

const RENDERERS: Record<string, (text: string) => Promise<string>> = {
  'qrcode-terminal small': async (text) => terminal(text, true),
  'qrcode-terminal normal (ANSI)': async (text) => terminal(text, false),
  'node-qrcode utf8': (text) => QRCode.toString(text, { type: 'utf8' }),
  'node-qrcode terminal': (text) => QRCode.toString(text, { type: 'terminal' }),
  'node-qrcode terminal small': (text) => QRCode.toString(text, { type: 'terminal', small: true }),
};

function detect(lines: string[]): string[] {
  const sut = new QrDetector();
  const found: string[] = [];
  for (const line of lines) {
    const qr = sut.push(line);
    if (qr) found.push(qr.payload);
  }
  const last = sut.flush();
  if (last) found.push(last.payload);
  return found;
}

describe(QrDetector.name, () => {
  for (const [renderer, render] of Object.entries(RENDERERS)) {
    for (const [kind, payload] of Object.entries(PAYLOADS)) {
      it(`reads ${renderer} output of a ${kind} payload`, async () => {
        const drawing = (await render(payload)).split('\n');
        expect(detect(['Scan the QR below:', ...drawing, 'waiting…'])).toEqual([payload]);
      });
    }

    it(`reads ${renderer} output with timestamps, CRLF and stderr lines interleaved`, async () => {
      const drawing = (await render(PAYLOADS.baileysV6)).split('\n');
      const lines: string[] = [];
      drawing.forEach((line, index) => {
        lines.push(`2026-11-23T10:00:00.${String(index).padStart(3, '0')}Z ${line}\r`);
        if (index === 7) lines.push('{"level":40,"msg":"stderr: connection retrying"}');
      });
      expect(detect(['[bot] starting', ...lines, '[bot] waiting for scan'])).toEqual([PAYLOADS.baileysV6]);
    });
  }

  it('reads raw pairing strings and wa.me links', () => {
    expect(detect([`qr: ${PAYLOADS.baileysV6}`])).toEqual([PAYLOADS.baileysV6]);
    expect(detect([`QR: ${PAYLOADS.baileysV7}.`])).toEqual([PAYLOADS.baileysV7]);
  });

  it('finds one code after another as the bot rotates them', async () => {
    const first = (await QRCode.toString(PAYLOADS.short, { type: 'utf8' })).split('\n');
    const second = terminal(PAYLOADS.wwebjs, true).split('\n');
    expect(detect([...first, 'rotating', 'qr expired', ...second, 'done'])).toEqual([PAYLOADS.short, PAYLOADS.wwebjs]);
  });

  it('finds nothing in ordinary logs', () => {
    expect(detect(['bot started', '███ progress ███', '▄▄▄ done', 'tick 1'])).toEqual([]);
  });
});
