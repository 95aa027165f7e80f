import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe(LineSplitter.name, () => {
  it('joins lines split across chunks and strips CR', () => {
    const lines: string[] = [];
    const sut = new LineSplitter((line) => lines.push(line));
    sut.push('hel');
    sut.push('lo\r\nwor');
    sut.push('ld\n\nlast');
    sut.flush();
    expect(lines).toEqual(['hello', 'world', '', 'last']);
  });

  it('cuts lines longer than the limit instead of buffering them', () => {
    const lines: string[] = [];
    const sut = new LineSplitter((line) => lines.push(line), 10);
    sut.push('x'.repeat(25));
    expect(lines).toEqual(['x'.repeat(10), 'x'.repeat(10)]);
    sut.push('\n');
    expect(lines.at(-1)).toBe('xxxxx');
  });

  it('decodes UTF-8 across chunks, also a character cut between two of them', () => {
    const lines: string[] = [];
    const sut = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from('█ olá ▄\nação\n', 'utf8');
    for (let i = 0; i < bytes.length; i += 1) sut.pushBytes(bytes.subarray(i, i + 1));
    sut.flush();
    expect(lines).toEqual(['█ olá ▄', 'ação']);
  });
});
