/** A QR code as modules: true = dark. */
export type Matrix = boolean[][];

/**
 * What a drawing may be, so that a bot's output costs bounded work however it is shaped. A QR code has at
 * most 177 modules a side (version 40); with its quiet zone a drawing is under 200 modules wide and tall.
 */
export const QR_LIMITS = {
  /** Longest line read as a drawing row (a 200-module ANSI row with a timestamp is under 4 KiB). */
  maxDrawingLineLength: 4096,
  /** Widest and tallest drawing, in modules. */
  maxModules: 200,
  /**
   * Most characters of a line searched for pairing strings and connection states (a pairing string, with a
   * JSON logger's fields before it, is a few hundred; the rest of a longer line is not read).
   */
  maxScannedLength: 2048,
} as const;

const BLOCK_CHARS = /[█▀▄]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal output carries ANSI escapes
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal output carries ANSI escapes
const ANSI_BG_MODULE = /\u001b\[(40|47|100|107|49)m( +)(?:\u001b\[0m)?/g;
const BLOCK_BODY = /^[█▀▄ ]+$/;
const BLOCK_GLYPH = /[█▀▄]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal output carries ANSI escapes
const CELL = /\u001b\[([0-9;]*)m|([^\u001b])/g;

/** Every pattern of this module, for the tests that prove them free of super-linear backtracking. */
export const QR_MATRIX_PATTERNS: readonly RegExp[] = [BLOCK_CHARS, ANSI, ANSI_BG_MODULE, BLOCK_BODY, BLOCK_GLYPH, CELL];

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

/** The part of a line the parsers look at (lines are cut by the runtime too; this keeps the domain safe alone). */
export function scanned(line: string): string {
  return line.length > QR_LIMITS.maxScannedLength ? line.slice(0, QR_LIMITS.maxScannedLength) : line;
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/**
 * One row of modules from a line drawn with background colours, two spaces a module (qrcode-terminal
 * normal, node-qrcode terminal); undefined when the line is not such a row or is wider than a QR code.
 */
export function ansiRow(line: string): boolean[] | undefined {
  if (line.length > QR_LIMITS.maxDrawingLineLength) return undefined;
  const row: boolean[] = [];
  let cells = 0;
  for (const match of line.matchAll(ANSI_BG_MODULE)) {
    cells += 1;
    const dark = match[1] === '40' || match[1] === '100';
    const modules = Math.max(1, Math.round((match[2]?.length ?? 2) / 2));
    if (row.length + modules > QR_LIMITS.maxModules) return undefined;
    for (let i = 0; i < modules; i += 1) row.push(dark);
  }
  return cells >= 10 ? row : undefined;
}

/** Lines drawn with half-block characters (qrcode-terminal small, node-qrcode utf8 / small terminal). */
export function isBlockLine(line: string): boolean {
  if (line.length > QR_LIMITS.maxDrawingLineLength) return false;
  const text = withoutCr(stripAnsi(line));
  const first = text.search(BLOCK_CHARS);
  if (first < 0) return false;
  let last = text.length - 1;
  while (last >= 0 && !BLOCK_CHARS.test(text[last] ?? '')) last -= 1;
  const body = text.slice(first, last + 1);
  return body.length >= 10 && body.length <= QR_LIMITS.maxModules && BLOCK_BODY.test(body) && (body.match(BLOCK_GLYPH) ?? []).length >= 5;
}

type Cell = { readonly char: string; readonly fg: boolean | undefined; readonly bg: boolean | undefined };

/** The characters of a line with the colours they were drawn in (true = dark; undefined = terminal default). */
function cells(line: string): Cell[] {
  const out: Cell[] = [];
  let fg: boolean | undefined;
  let bg: boolean | undefined;
  for (const match of withoutCr(line).matchAll(CELL)) {
    if (match[2] !== undefined) {
      out.push({ char: match[2], fg, bg });
      continue;
    }
    for (const code of (match[1] || '0').split(';').map(Number)) {
      if (code === 0) {
        fg = undefined;
        bg = undefined;
      } else if (code === 30 || code === 90) fg = true;
      else if (code === 37 || code === 97) fg = false;
      else if (code === 40 || code === 100) bg = true;
      else if (code === 47 || code === 107) bg = false;
    }
  }
  return out;
}

/**
 * Two rows of modules per text line from half-block lines. Where the line says its colours, they decide;
 * otherwise `glyphIsDark` does: node-qrcode draws the dark part (█ = both dark), qrcode-terminal the
 * light part (█ = both light). The caller tries both. Empty when the lines are more than a QR code.
 */
export function blockRows(lines: readonly string[], glyphIsDark: boolean): Matrix {
  if (lines.length * 2 > QR_LIMITS.maxModules + 1 || lines.some((line) => line.length > QR_LIMITS.maxDrawingLineLength)) return [];
  const rowsOfCells = lines.map(cells);
  // A common prefix (timestamp, process name) is cut at the leftmost drawing column of the block.
  let start = Number.POSITIVE_INFINITY;
  for (const row of rowsOfCells) {
    const index = row.findIndex((cell) => BLOCK_CHARS.test(cell.char));
    if (index >= 0 && index < start) start = index;
  }
  if (!Number.isFinite(start)) return [];
  let width = 0;
  for (const row of rowsOfCells) {
    let end = row.length;
    while (end > 0 && (row[end - 1]?.char ?? ' ').trim() === '') end -= 1;
    width = Math.max(width, end - start);
  }
  if (width > QR_LIMITS.maxModules) return [];
  const rows: Matrix = [];
  for (const row of rowsOfCells) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (let x = start; x < start + width; x += 1) {
      const cell = row[x] ?? { char: ' ', fg: undefined, bg: undefined };
      const ink = cell.fg ?? glyphIsDark; // colour of the drawn part
      const paper = cell.bg ?? !glyphIsDark; // colour of the rest
      const topInk = cell.char === '█' || cell.char === '▀';
      const bottomInk = cell.char === '█' || cell.char === '▄';
      top.push(topInk ? ink : paper);
      bottom.push(bottomInk ? ink : paper);
    }
    rows.push(top, bottom);
  }
  return rows;
}
