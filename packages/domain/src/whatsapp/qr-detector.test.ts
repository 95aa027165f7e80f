import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { attemptMatrix, type QrDetection, QrDetector, type QrDrawing } from './qr-detector.js';
import { blockRows, QR_LIMITS } from './qr-matrix.js';

const require = createRequire(import.meta.url);
const qrcodeTerminal = require('qrcode-terminal') as { generate(text: string, options: { small: boolean }, callback: (output: string) => void): void };

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const PAYLOAD = `2@${b64(60)},${b64(32)},${b64(32)},${b64(32)}`;
const LINK = `https://wa.me/settings/linked_devices#2@${b64(60)},${b64(32)},${b64(32)},${b64(32)},1`;

function terminal(text: string, small: boolean): string[] {
  let out = '';
  qrcodeTerminal.generate(text, { small }, (output) => {
    out = output;
  });
  return out.split('\n');
}

function run(lines: string[]): { found: string[]; drawings: QrDrawing[] } {
  const sut = new QrDetector();
  const found: string[] = [];
  const drawings: QrDrawing[] = [];
  const take = (detection: QrDetection | undefined) => {
    if (detection?.kind === 'found') found.push(detection.found.payload);
    if (detection?.kind === 'drawing') drawings.push(detection.drawing);
  };
  for (const line of lines) take(sut.push(line));
  const last = sut.flush();
  if (last) drawings.push(last);
  return { found, drawings };
}

/** Sides of each attempt's matrix: [rows, widest row]. */
const sides = (drawing: QrDrawing) =>
  drawing.attempts.map((attempt) => {
    const matrix = attemptMatrix(attempt);
    return [matrix.length, Math.max(0, ...matrix.map((row) => row.length))];
  });

describe(QrDetector.name, () => {
  it('hands out half-block and ANSI drawings as rows of modules, once each', async () => {
    const cases: [string, string[], 'block' | 'ansi'][] = [
      ['qrcode-terminal small', terminal(PAYLOAD, true), 'block'],
      ['qrcode-terminal normal', terminal(PAYLOAD, false), 'ansi'],
      ['node-qrcode utf8', (await QRCode.toString(PAYLOAD, { type: 'utf8' })).split('\n'), 'block'],
      ['node-qrcode terminal', (await QRCode.toString(PAYLOAD, { type: 'terminal' })).split('\n'), 'ansi'],
      ['node-qrcode terminal small', (await QRCode.toString(PAYLOAD, { type: 'terminal', small: true })).split('\n'), 'block'],
    ];
    for (const [renderer, drawing, format] of cases) {
      const { found, drawings } = run(['Scan the QR below:', ...drawing, 'waiting…', 'still waiting', 'and more']);
      expect(found, renderer).toEqual([]);
      expect(
        drawings.map((d) => d.format),
        renderer,
      ).toEqual([format]);
      for (const [height, width] of sides(drawings[0] as QrDrawing)) {
        expect(width, renderer).toBeGreaterThanOrEqual(21);
        expect(Math.abs((height ?? 0) - (width ?? 0)), renderer).toBeLessThanOrEqual(2); // square, like a QR code
      }
    }
  });

  it('reads raw pairing strings and wa.me links, without the punctuation after them', () => {
    expect(run([`qr: ${PAYLOAD}`]).found).toEqual([PAYLOAD]);
    expect(run([`QR: ${LINK}.`]).found).toEqual([LINK]);
    expect(run([`(${PAYLOAD}), then`]).found).toEqual([PAYLOAD]);
  });

  it('hands out a drawing interrupted by a stderr line whole, and a drawing right after another one alone', () => {
    const first = terminal(PAYLOAD, true);
    const interrupted = run([...first.slice(0, 7), '{"level":40,"msg":"stderr: retrying"}', ...first.slice(7), 'waiting']);
    expect(interrupted.drawings.at(-1)?.attempts[0]).toMatchObject({ format: 'block', lines: first.filter((l) => l.trim() !== '') });

    const second = terminal(LINK, true);
    const rotated = run([...first, 'qr expired', ...second, 'done']);
    const last = rotated.drawings.at(-1);
    expect(last?.attempts.map((attempt) => (attempt.format === 'block' ? attempt.lines.length : 0))).toContain(second.filter((l) => l.trim() !== '').length);
  });

  it('finds nothing in ordinary logs', () => {
    expect(run(['bot started', '███ progress ███', '▄▄▄ done', 'tick 1'])).toEqual({ found: [], drawings: [] });
  });

  describe('bounds what a bot can make it hold or compute', () => {
    const row = `${'█ ▄▀'.repeat(15)}`; // a 60-module half-block row

    it('keeps at most a QR code’s worth of rows, however many drawing lines come in a row', () => {
      const { drawings } = run([...Array.from({ length: 130_000 }, () => row), 'done']);
      expect(drawings.length).toBeGreaterThan(0);
      for (const drawing of drawings) {
        for (const attempt of drawing.attempts) expect(attempt.format === 'block' && attempt.lines.length * 2).toBeLessThanOrEqual(QR_LIMITS.maxModules);
        for (const [height] of sides(drawing)) expect(height).toBeLessThanOrEqual(QR_LIMITS.maxModules);
      }
    });

    it('does not read lines wider than a QR code as drawing rows (400 lines of 8,190 █)', () => {
      const wide = '█'.repeat(8190);
      expect(run([...Array.from({ length: 400 }, () => wide), 'connection open', ...Array.from({ length: 400 }, () => wide)])).toEqual({
        found: [],
        drawings: [],
      });
      const ansiWide = `${'\u001b[40m  \u001b[0m'.repeat(10)}\u001b[47m${' '.repeat(4000)}\u001b[0m`;
      expect(run([...Array.from({ length: 50 }, () => ansiWide), 'x'])).toEqual({ found: [], drawings: [] });
    });

    it('builds no matrix larger than a QR code, whatever lines it is given', () => {
      expect(
        blockRows(
          Array.from({ length: 200_000 }, () => row),
          false,
        ),
      ).toEqual([]);
      expect(blockRows([`${'█'.repeat(150)}${' '.repeat(60)}█`, row], true)).toEqual([]);
    });

    it('does not take a string longer than any pairing string for one', () => {
      expect(run([`qr: 2@${'A'.repeat(100_000)},B,C`]).found).toEqual([]);
      expect(run([`https://wa.me/settings/linked_devices#${'x'.repeat(5000)}`]).found).toEqual([]);
      expect(run([`see https://wa.me/settings/linked_devices#2@a,b,c${'.'.repeat(6000)}`]).found).toEqual([]);
    });
  });
});
