import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { QrDetector, type QrDrawing } from '@zapdeploy/domain';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { QrDecoder } from './qr-decoder.js';

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

const decoder = new QrDecoder();
afterAll(() => decoder.close());

/** What the worker does with a bot's output: detect (domain), decode what it hands out (pool). */
async function read(lines: string[]): Promise<string[]> {
  const detector = new QrDetector();
  const drawings: QrDrawing[] = [];
  const found: string[] = [];
  for (const line of lines) {
    const detected = detector.push(line);
    if (detected?.kind === 'found') found.push(detected.found.payload);
    if (detected?.kind === 'drawing') drawings.push(detected.drawing);
  }
  const last = detector.flush();
  if (last) drawings.push(last);
  for (const drawing of drawings) {
    const payload = await decoder.decodeDrawing(drawing);
    if (payload && found.at(-1) !== payload) found.push(payload);
  }
  return found;
}

describe(QrDecoder.name, () => {
  for (const [renderer, render] of Object.entries(RENDERERS)) {
    it(`reads ${renderer} output of every kind of payload`, async () => {
      for (const payload of Object.values(PAYLOADS)) {
        const drawing = (await render(payload)).split('\n');
        expect(await read(['Scan the QR below:', ...drawing, 'waiting…'])).toEqual([payload]);
      }
    });

    it(`reads ${renderer} output with timestamps, CRLF and stderr lines interleaved`, async () => {
      const drawing = (await render(PAYLOADS.baileysV6)).split('\n');
      const lines: string[] = [];
      drawing.forEach((line, index) => {
        lines.push(`2026-11-23T10:00:00.${String(index).padStart(3, '0')}Z ${line}\r`);
        if (index === 7) lines.push('{"level":40,"msg":"stderr: connection retrying"}');
      });
      expect(await read(['[bot] starting', ...lines, '[bot] waiting for scan'])).toEqual([PAYLOADS.baileysV6]);
    });
  }

  it('finds one code after another as the bot rotates them', async () => {
    const first = (await QRCode.toString(PAYLOADS.short, { type: 'utf8' })).split('\n');
    const second = terminal(PAYLOADS.wwebjs, true).split('\n');
    expect(await read([...first, 'rotating', 'qr expired', ...second, 'done'])).toEqual([PAYLOADS.short, PAYLOADS.wwebjs]);
  });

  it('reads a QR code PNG like the one BuilderBot writes, and answers undefined for anything else', async () => {
    const payload = `2@${'x'.repeat(50)},AAAA,BBBB,CCCC`;
    expect(await decoder.decodePng(await QRCode.toBuffer(payload, { margin: 4 }))).toBe(payload);
    expect(await decoder.decodePng(Buffer.from('not a png'))).toBeUndefined();
  });

  it('never decodes an image larger than a QR code needs, even one that holds a QR code', async () => {
    const big = new PNG({ width: 2100, height: 2100 });
    big.data.fill(255);
    const qr = PNG.sync.read(await QRCode.toBuffer(PAYLOADS.short, { margin: 4, scale: 8 }));
    PNG.bitblt(qr, big, 0, 0, qr.width, qr.height, 0, 0);
    expect(await decoder.decodePng(PNG.sync.write(big))).toBeUndefined();
  });

  it('gives a decoding up at its deadline, off the event loop, and goes on serving', async () => {
    const slow = new QrDecoder({ deadlineMs: 3_000 });
    try {
      expect(await slow.decodePng(await QRCode.toBuffer(PAYLOADS.short))).toBe(PAYLOADS.short); // the thread is up
      const noise = new PNG({ width: 2048, height: 2048 });
      randomBytes(noise.data.length).copy(noise.data);
      const png = PNG.sync.write(noise);
      // jsQR searches pixel noise of this size for tens of seconds; the event loop keeps ticking meanwhile.
      let longestGap = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        longestGap = Math.max(longestGap, performance.now() - last);
        last = performance.now();
      }, 20);
      const started = performance.now();
      const result = await slow.decodePng(png);
      clearInterval(ticker);
      expect(result).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(10_000); // cut at the deadline, not searched to the end
      expect(longestGap).toBeLessThan(1_000);
      expect(await slow.decodePng(await QRCode.toBuffer(PAYLOADS.baileysV6))).toBe(PAYLOADS.baileysV6);
    } finally {
      await slow.close();
    }
  }, 60_000);
});
