import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { QR_DETECTOR_PATTERNS } from './qr-detector.js';
import { QR_MATRIX_PATTERNS } from './qr-matrix.js';
import { WHATSAPP_STATE_PATTERNS } from './whatsapp-state.js';

/**
 * recheck (a ReDoS checker) on one pattern, by its automata analysis: exact, and quick here (bounded
 * repeats such as {1,1024} are expanded rather than left to its fuzzer).
 */
async function complexity(pattern: RegExp): Promise<string> {
  const diagnostics = await check(pattern.source, pattern.flags, {
    checker: 'automaton',
    maxRepeatCount: 5_000,
    maxNFASize: 1_000_000,
    maxPatternSize: 1_000_000,
    timeout: 60_000,
  });
  return diagnostics.status === 'vulnerable' ? `${diagnostics.status}: ${diagnostics.complexity.summary}` : diagnostics.status;
}

describe('the patterns run on every line a bot prints', () => {
  it('are told apart by the checker: the connection-state patterns this replaced backtracked quadratically', async () => {
    const before = [/whatsapp.*\bready\b/i, /\b401\b.*logged/i, /[.,;)]+$/]; // parts of the old CONNECTED, LOGGED_OUT and payload trimming
    for (const pattern of before) expect(await complexity(pattern)).toMatch(/^vulnerable: 2nd degree polynomial/);
  }, 120_000);

  it('take time linear in the line (no super-linear backtracking)', async () => {
    const patterns = [...QR_DETECTOR_PATTERNS, ...QR_MATRIX_PATTERNS, ...WHATSAPP_STATE_PATTERNS];
    const verdicts = await Promise.all(patterns.map(async (pattern) => [pattern.source, await complexity(pattern)]));
    expect(Object.fromEntries(verdicts)).toEqual(Object.fromEntries(patterns.map((pattern) => [pattern.source, 'safe'])));
  }, 120_000);
});
