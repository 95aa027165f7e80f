import { ansiRow, blockRows, isBlockLine, type Matrix, QR_LIMITS, scanned, stripAnsi } from './qr-matrix.js';

export type QrFormat = 'block' | 'ansi' | 'raw' | 'png';
export type QrFound = { readonly payload: string; readonly format: QrFormat };

/** Lines of a terminal drawing that may be a QR code: the rows of modules to decode, tried in order. */
export type QrDrawing = { readonly format: 'block' | 'ansi'; readonly attempts: readonly QrAttempt[] };
/**
 * One way to read a drawing: half-block lines (with the polarity to assume where they give no colours) or
 * ANSI rows. Kept as lines, so that the costly part (`attemptMatrix`) runs where the decoding does.
 */
export type QrAttempt =
  | { readonly format: 'block'; readonly lines: readonly string[]; readonly glyphIsDark: boolean }
  | { readonly format: 'ansi'; readonly rows: Matrix };

/** What a line gave: a pairing string read as text, or a drawing to decode. */
export type QrDetection = { readonly kind: 'found'; readonly found: QrFound } | { readonly kind: 'drawing'; readonly drawing: QrDrawing };

const PAYLOAD_CHARS = 'A-Za-z0-9+/=_-';
/** Pairing strings are a few hundred characters: bounded quantifiers keep the search linear and short. */
const RAW_PAIRING = new RegExp(
  `(https://wa\\.me/settings/linked_devices#[^\\s"'<>]{1,1024}|\\b2@[${PAYLOAD_CHARS}]{8,512}(?:,[${PAYLOAD_CHARS}]{1,512}){2,8})`,
);
const LINK_CHAR = /[^\s"'<>]/;
const PAYLOAD_CHAR = new RegExp(`[${PAYLOAD_CHARS}]`);
const TRAILING_PUNCTUATION = '.,;)';

/** Every pattern of this module, for the tests that prove them free of super-linear backtracking. */
export const QR_DETECTOR_PATTERNS: readonly RegExp[] = [RAW_PAIRING, LINK_CHAR, PAYLOAD_CHAR];

/** The rows of modules one attempt stands for (empty when the lines cannot be a QR code). */
export function attemptMatrix(attempt: QrAttempt): Matrix {
  return attempt.format === 'ansi' ? attempt.rows : blockRows(attempt.lines, attempt.glyphIsDark);
}

/**
 * Finds WhatsApp pairing QR codes in a bot's output, line by line: half-block drawings (both polarities),
 * ANSI background drawings, and raw pairing strings; tolerates prefixes on each line, CRLF and other
 * lines interleaved. Pure and bounded: no I/O, no clock, at most a QR code's worth of rows kept, each line
 * looked at up to a fixed length. Drawings are handed out to be decoded elsewhere (decoding is the costly part).
 */
export class QrDetector {
  private block: string[] = [];
  private ansi: Matrix = [];
  /** Where the rows after the last interruption start (a new drawing may begin there). */
  private blockSegment = 0;
  private ansiSegment = 0;
  /** Rows collected since the last drawing was handed out. */
  private fresh = false;
  private misses = 0;

  /** Feeds one line; returns a pairing string it holds, or a drawing this line completes. */
  push(line: string): QrDetection | undefined {
    const raw = rawPairing(stripAnsi(scanned(line)));
    if (raw) return { kind: 'found', found: { payload: raw, format: 'raw' } };
    const row = ansiRow(line);
    if (row) {
      if (this.ansi.length >= QR_LIMITS.maxModules) this.reset(); // taller than any QR code: start over
      this.ansi.push(row);
      this.collected();
      return undefined;
    }
    if (isBlockLine(line)) {
      if (this.block.length * 2 >= QR_LIMITS.maxModules) this.reset();
      this.block.push(line);
      this.collected();
      return undefined;
    }
    // A line that is not part of a drawing: the drawing may be complete (or interrupted by stderr).
    this.misses += 1;
    const drawing = this.drawing();
    if (this.misses >= 3) this.reset();
    else {
      this.blockSegment = this.block.length;
      this.ansiSegment = this.ansi.length;
    }
    return drawing ? { kind: 'drawing', drawing } : undefined;
  }

  /** Called when output goes quiet: hands out what was collected. */
  flush(): QrDrawing | undefined {
    const drawing = this.drawing();
    this.reset();
    return drawing;
  }

  /**
   * The drawing collected so far, when rows came since the last one: read whole (a drawing interrupted by
   * another line), and from the last interruption on (a new drawing right after the previous one).
   */
  private drawing(): QrDrawing | undefined {
    if (!this.fresh) return undefined;
    this.fresh = false;
    if (this.ansi.length >= 21) {
      const attempts: QrAttempt[] = [{ format: 'ansi', rows: [...this.ansi] }];
      if (this.ansiSegment > 0 && this.ansi.length - this.ansiSegment >= 21) attempts.push({ format: 'ansi', rows: this.ansi.slice(this.ansiSegment) });
      return { format: 'ansi', attempts };
    }
    if (this.block.length >= 10) {
      const segments = [[...this.block]];
      if (this.blockSegment > 0 && this.block.length - this.blockSegment >= 10) segments.push(this.block.slice(this.blockSegment));
      return { format: 'block', attempts: segments.flatMap((lines) => [false, true].map((glyphIsDark) => ({ format: 'block' as const, lines, glyphIsDark }))) };
    }
    return undefined;
  }

  private collected(): void {
    this.misses = 0;
    this.fresh = true;
  }

  private reset(): void {
    this.block = [];
    this.ansi = [];
    this.blockSegment = 0;
    this.ansiSegment = 0;
    this.fresh = false;
    this.misses = 0;
  }
}

/** A raw pairing string (`2@…`) or `wa.me` link in a line, without the punctuation that follows it in prose. */
function rawPairing(text: string): string | undefined {
  if (!text.includes('2@') && !text.includes('wa.me/')) return undefined; // most lines: one quick scan
  const match = RAW_PAIRING.exec(text);
  const found = match?.[1];
  if (!match || !found) return undefined;
  // Longer than any pairing string (the bounded pattern stopped inside it): not one.
  const next = text.charAt(match.index + found.length);
  if ((found.startsWith('https:') ? LINK_CHAR : PAYLOAD_CHAR).test(next)) return undefined;
  let end = found.length;
  while (end > 0 && TRAILING_PUNCTUATION.includes(found.charAt(end - 1))) end -= 1;
  return found.slice(0, end);
}
