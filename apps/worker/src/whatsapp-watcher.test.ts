import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { type LogStore, logKeys, MemoryLogStore } from '@zapdeploy/logstore';
import { check } from 'recheck';
import { afterAll, describe, expect, it } from 'vitest';
import { QrDecoder } from './qr-decoding/qr-decoder.js';
import { WATCHER_PATTERNS, WhatsappWatcher } from './whatsapp-watcher.js';

const require = createRequire(import.meta.url);
const qrcodeTerminal = require('qrcode-terminal') as { generate(text: string, options: { small: boolean }, callback: (output: string) => void): void };

function drawing(payload: string): string[] {
  let out = '';
  qrcodeTerminal.generate(payload, { small: true }, (output) => {
    out = output;
  });
  return out.split('\n');
}

const decoder = new QrDecoder();
afterAll(() => decoder.close());

async function qrOf(store: LogStore, instanceId: string): Promise<string | undefined> {
  const last = (await store.tail(logKeys.whatsapp(instanceId), 1))[0];
  return last ? (JSON.parse(last.line) as { qr: { payload: string } | null }).qr?.payload : undefined;
}

describe(WhatsappWatcher.name, () => {
  it('logs a pairing state it could not publish instead of dropping the failure', async () => {
    const store = new MemoryLogStore();
    const log: string[] = [];
    const sut = new WhatsappWatcher(
      store,
      async () => {
        throw new Error('database away');
      },
      decoder,
      (message) => log.push(message),
    );
    sut.onLine('i1', 'connection open');
    await expect.poll(() => log).toEqual(['whatsapp i1: publishing the pairing state failed: database away']);
  });

  it('decodes one drawing at a time per instance, so a bot printing junk drawings does not delay another bot’s QR code', async () => {
    const store = new MemoryLogStore();
    const sut = new WhatsappWatcher(
      store,
      async () => null,
      decoder,
      () => undefined,
    );
    // 300 drawings of random half-blocks, each as wide and tall as a QR code can be: jsQR searches each for
    // a while. Decoded in turn, they would keep the pool busy for minutes.
    const glyphs = ['█', '▀', '▄', ' '];
    for (let n = 0; n < 300; n += 1) {
      for (let row = 0; row < 100; row += 1) {
        sut.onLine('junk', Array.from(randomBytes(200), (byte) => glyphs[byte % 4]).join(''));
      }
      sut.onLine('junk', `not a drawing ${n}`);
    }
    const payload = `2@${'K'.repeat(40)},LLLL,MMMM,NNNN`;
    for (const line of [...drawing(payload), 'waiting for the scan']) sut.onLine('bot', line);
    await expect.poll(() => qrOf(store, 'bot'), { timeout: 20_000, interval: 100 }).toBe(payload);
  }, 30_000);

  it('matches its own patterns in time linear in the line', async () => {
    for (const pattern of WATCHER_PATTERNS) {
      expect((await check(pattern.source, pattern.flags, { checker: 'automaton', maxRepeatCount: 5_000, timeout: 60_000 })).status, pattern.source).toBe(
        'safe',
      );
    }
  }, 60_000);
});
