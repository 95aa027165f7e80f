import { ansiRow, blockRows, decodeMatrix, isAnsiModuleLine, isBlockLine, stripAnsi } from './qr-matrix.js';

export type QrFormat = 'block' | 'ansi' | 'raw' | 'png';
export type QrFound = { readonly payload: string; readonly format: QrFormat };

const RAW_PAIRING = /(https:\/\/wa\.me\/settings\/linked_devices#[^\s"'<>]+|\b2@[A-Za-z0-9+/=_-]{8,}(?:,[A-Za-z0-9+/=_-]+){2,})/;

/**
 * Finds WhatsApp pairing QR codes in a bot's output, line by line: half-block drawings (both polarities),
 * ANSI background drawings, and raw pairing strings; tolerates prefixes on each line, CRLF and other
 * lines interleaved. Pure: no I/O, no clock.
 */
export class QrDetector {
  private block: string[] = [];
  private ansi: boolean[][] = [];
  private misses = 0;

  /** Feeds one line; returns a QR code when this line completes one. */
  push(line: string): QrFound | undefined {
    const raw = RAW_PAIRING.exec(stripAnsi(line));
    if (raw?.[1]) return { payload: raw[1].replace(/[.,;)]+$/, ''), format: 'raw' };
    if (isAnsiModuleLine(line)) {
      this.ansi.push(ansiRow(line));
      this.misses = 0;
      return undefined;
    }
    if (isBlockLine(line)) {
      this.block.push(line);
      this.misses = 0;
      return undefined;
    }
    // A line that is not part of a drawing: the drawing may be complete (or interrupted by stderr).
    this.misses += 1;
    const found = this.tryDecode();
    if (found || this.misses >= 3) this.reset();
    return found;
  }

  /** Called when output goes quiet: decodes what was collected. */
  flush(): QrFound | undefined {
    const found = this.tryDecode();
    this.reset();
    return found;
  }

  private tryDecode(): QrFound | undefined {
    if (this.ansi.length >= 21) {
      const payload = decodeMatrix(this.ansi);
      if (payload) return { payload, format: 'ansi' };
    }
    if (this.block.length >= 10) {
      for (const glyphIsDark of [false, true]) {
        const payload = decodeMatrix(blockRows(this.block, glyphIsDark));
        if (payload) return { payload, format: 'block' };
      }
    }
    return undefined;
  }

  private reset(): void {
    this.block = [];
    this.ansi = [];
    this.misses = 0;
  }
}
