import jsQRModule from 'jsqr';

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: string }) => { data: string } | null;
// jsqr is CommonJS: under Node's ESM the default import is module.exports, under bundlers its `default`.
const jsQR = ((jsQRModule as unknown as { default?: JsQr }).default ?? jsQRModule) as unknown as JsQr;

/** A QR code as modules: true = dark. */
export type Matrix = boolean[][];

const BLOCK_CHARS = /[█▀▄]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal output carries ANSI escapes
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal output carries ANSI escapes
const ANSI_BG_MODULE = /\u001b\[(40|47|100|107|49)m( +)(?:\u001b\[0m)?/g;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

/** Lines drawn with background colours, two spaces a module (qrcode-terminal normal, node-qrcode terminal). */
export function isAnsiModuleLine(line: string): boolean {
  return (line.match(ANSI_BG_MODULE) ?? []).length >= 10;
}

/** Lines drawn with half-block characters (qrcode-terminal small, node-qrcode utf8 / small terminal). */
export function isBlockLine(line: string): boolean {
  const text = stripAnsi(line).replace(/\r$/, '');
  const first = text.search(BLOCK_CHARS);
  if (first < 0) return false;
  let last = text.length - 1;
  while (last >= 0 && !BLOCK_CHARS.test(text[last] ?? '')) last -= 1;
  const body = text.slice(first, last + 1);
  return body.length >= 10 && /^[█▀▄ ]+$/.test(body) && (body.match(/[█▀▄]/g) ?? []).length >= 5;
}

/** One row of modules from an ANSI background-coloured line. */
export function ansiRow(line: string): boolean[] {
  const row: boolean[] = [];
  for (const match of line.matchAll(ANSI_BG_MODULE)) {
    const dark = match[1] === '40' || match[1] === '100';
    const modules = Math.max(1, Math.round((match[2]?.length ?? 2) / 2));
    for (let i = 0; i < modules; i += 1) row.push(dark);
  }
  return row;
}

type Cell = { readonly char: string; readonly fg: boolean | undefined; readonly bg: boolean | undefined };

/** The characters of a line with the colours they were drawn in (true = dark; undefined = terminal default). */
function cells(line: string): Cell[] {
  const out: Cell[] = [];
  let fg: boolean | undefined;
  let bg: boolean | undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal output carries ANSI escapes
  const pattern = /\u001b\[([0-9;]*)m|([^\u001b])/g;
  for (const match of line.replace(/\r$/, '').matchAll(pattern)) {
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
 * light part (█ = both light). The caller tries both.
 */
export function blockRows(lines: readonly string[], glyphIsDark: boolean): Matrix {
  const rowsOfCells = lines.map(cells);
  // A common prefix (timestamp, process name) is cut at the leftmost drawing column of the block.
  const start = Math.min(...rowsOfCells.map((row) => row.findIndex((cell) => BLOCK_CHARS.test(cell.char))).filter((index) => index >= 0));
  const width = Math.max(
    ...rowsOfCells.map(
      (row) =>
        row
          .map((cell) => cell.char)
          .join('')
          .trimEnd().length - start,
    ),
  );
  const rows: Matrix = [];
  for (const row of rowsOfCells) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (let x = start; x < start + width; x += 1) {
      const cell = row[x] ?? { char: ' ', fg: undefined, bg: undefined };
      const glyph = glyphIsDark;
      const ink = cell.fg ?? glyph; // colour of the drawn part
      const paper = cell.bg ?? !glyph; // colour of the rest
      const topInk = cell.char === '█' || cell.char === '▀';
      const bottomInk = cell.char === '█' || cell.char === '▄';
      top.push(topInk ? ink : paper);
      bottom.push(bottomInk ? ink : paper);
    }
    rows.push(top, bottom);
  }
  return rows;
}

/** Decodes a module matrix (any polarity, any quiet zone) with jsQR; undefined when it is not a QR code. */
export function decodeMatrix(matrix: Matrix): string | undefined {
  const height = matrix.length;
  const width = Math.max(0, ...matrix.map((row) => row.length));
  if (height < 21 || width < 21) return undefined;
  const scale = 4;
  const quiet = 4;
  const w = (width + quiet * 2) * scale;
  const h = (height + quiet * 2) * scale;
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (!matrix[y]?.[x]) continue;
      for (let dy = 0; dy < scale; dy += 1) {
        for (let dx = 0; dx < scale; dx += 1) {
          const offset = (((y + quiet) * scale + dy) * w + (x + quiet) * scale + dx) * 4;
          data[offset] = 0;
          data[offset + 1] = 0;
          data[offset + 2] = 0;
        }
      }
    }
  }
  return decodeRgba(data, w, h);
}

/** Decodes an RGBA image with jsQR (both polarities). */
export function decodeRgba(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR(data, width, height, { inversionAttempts: 'attemptBoth' })?.data || undefined;
}
