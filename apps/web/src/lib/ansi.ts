/** A run of text with the colours and weight ANSI SGR codes gave it. */
export type AnsiSegment = { text: string; color?: string; background?: string; bold?: boolean };

const PALETTE = ['#3b3b3b', '#ff7b72', '#7ee787', '#f2cc60', '#79c0ff', '#d2a8ff', '#76e3ea', '#e6edf3'];
const BRIGHT = ['#8b949e', '#ffa198', '#a5f3b4', '#f8e3a1', '#a5d6ff', '#e2c5ff', '#b3f0ff', '#ffffff'];

/** Splits a line on ANSI SGR sequences (ESC[…m) into styled segments; other escape sequences are dropped. */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: Omit<AnsiSegment, 'text'> = {};
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
  const pattern = /\u001b\[([0-9;]*)([A-Za-z])/g;
  let last = 0;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) {
    if (match.index > last) segments.push({ ...style, text: line.slice(last, match.index) });
    last = match.index + match[0].length;
    if (match[2] !== 'm') continue;
    const codes = (match[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i += 1) {
      const code = codes[i] ?? 0;
      if (code === 0) style = {};
      else if (code === 1) style = { ...style, bold: true };
      else if (code === 22) style = { ...style, bold: false };
      else if (code >= 30 && code <= 37) style = { ...style, color: PALETTE[code - 30] };
      else if (code >= 90 && code <= 97) style = { ...style, color: BRIGHT[code - 90] };
      else if (code === 39) style = { ...style, color: undefined };
      else if (code >= 40 && code <= 47) style = { ...style, background: PALETTE[code - 40] };
      else if (code >= 100 && code <= 107) style = { ...style, background: BRIGHT[code - 100] };
      else if (code === 49) style = { ...style, background: undefined };
      else if ((code === 38 || code === 48) && codes[i + 1] === 5) i += 2;
      else if ((code === 38 || code === 48) && codes[i + 1] === 2) i += 4;
    }
  }
  if (last < line.length) segments.push({ ...style, text: line.slice(last) });
  return segments;
}

export function stripAnsi(line: string): string {
  return parseAnsi(line)
    .map((segment) => segment.text)
    .join('');
}
