import { StringDecoder } from 'node:string_decoder';

/** Longest line kept; longer lines are cut and marked. */
export const MAX_LINE_BYTES = 8 * 1024;

/**
 * Turns chunks of output into lines: handles lines split across chunks, CRLF, and cuts very long
 * lines (a bot printing a megabyte without a newline must not exhaust memory).
 */
export class LineSplitter {
  private pending = '';
  /** Output arrives in chunks cut anywhere, also inside a multi-byte character: decoded across chunks. */
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLength = MAX_LINE_BYTES,
  ) {}

  /** A chunk of raw output (UTF-8). */
  pushBytes(chunk: Buffer): void {
    this.push(this.decoder.write(chunk));
  }

  push(chunk: string): void {
    let text = this.pending + chunk;
    let index = text.indexOf('\n');
    while (index >= 0) {
      this.emitLine(text.slice(0, index));
      text = text.slice(index + 1);
      index = text.indexOf('\n');
    }
    while (text.length > this.maxLength) {
      this.emitLine(text.slice(0, this.maxLength));
      text = text.slice(this.maxLength);
    }
    this.pending = text;
  }

  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending.length > 0) this.emitLine(this.pending);
    this.pending = '';
  }

  private emitLine(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.emit(line.length > this.maxLength ? `${line.slice(0, this.maxLength)} …[cut]` : line);
  }
}
