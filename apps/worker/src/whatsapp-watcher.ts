import { INITIAL_STATE, nextState, QrDetector, type QrDrawing, type QrFound, scanned, type WhatsappState } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';

/** Decodes what the detector hands out (QrDecoder: a thread pool with a deadline). */
export type QrDecoding = {
  decodeDrawing(drawing: QrDrawing): Promise<string | undefined>;
  decodePng(png: Buffer): Promise<string | undefined>;
};

type Watch = {
  detector: QrDetector;
  state: WhatsappState;
  idle: NodeJS.Timeout | undefined;
  png: NodeJS.Timeout | undefined;
  /** QR image names to read: the usual ones, and the last few `<name>.qr.png` the bot mentioned (BuilderBot's provider name). */
  pngNames: string[];
  /** A drawing is being decoded; `pending` is the newest one handed out meanwhile (older ones are dropped). */
  decoding: boolean;
  pending: QrDrawing | undefined;
  /** Bumped when the bot says it connected or logged out: a QR decoded from output before that is stale. */
  epoch: number;
};

const IDLE_FLUSH_MS = 300;
/** BuilderBot announces its QR in the logs and writes it as an image beside the code. */
const PNG_HINT = /ACTION REQUIRED|qr\.png|scan the qr|escanea(?:r)? el (?:c[oó]digo )?qr|escaneie o qr|leia o qr/i;
const PNG_NAMES = ['bot.qr.png', 'qr.png'];
const PNG_NAMED = /\b([A-Za-z0-9_-][A-Za-z0-9_.-]{0,80}\.qr\.png)\b/;
/** Image names the bot can add: each is read at every poll. */
const MAX_NAMED_PNGS = 2;
const PNG_POLL_MS = 3_000;
const PNG_POLLS = 100;

/** The watcher's own patterns, for the tests that prove them free of super-linear backtracking. */
export const WATCHER_PATTERNS: readonly RegExp[] = [PNG_HINT, PNG_NAMED];

/**
 * Reads each bot's output for WhatsApp pairing: QR codes (any terminal drawing), pairing codes, connection
 * changes. The current state is stored per instance and announced on the owner's event stream. Costs are
 * bounded per instance: the detector keeps at most a QR code's worth of lines, and at most one drawing per
 * instance is decoded at a time (off the event loop), the newest one waiting.
 */
export class WhatsappWatcher {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly store: LogStore,
    private readonly ownerOf: (instanceId: string) => Promise<string | null>,
    private readonly decoder: QrDecoding,
    private readonly log: (message: string) => void,
    /** Reads a small file from the bot's app directory (the runtime's readFile). */
    private readonly readFile: (instanceId: string, name: string) => Promise<Buffer | undefined> = async () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  onLine(instanceId: string, line: string): void {
    const watch = this.watch(instanceId);
    const detected = watch.detector.push(line);
    if (detected?.kind === 'found') this.apply(instanceId, watch, line, detected.found);
    else {
      if (detected?.kind === 'drawing') this.decode(instanceId, watch, detected.drawing);
      this.apply(instanceId, watch, line, undefined);
    }
    const text = scanned(line);
    const named = text.includes('.qr.png') ? PNG_NAMED.exec(text)?.[1] : undefined;
    if (named && !named.includes('..') && !watch.pngNames.includes(named)) {
      watch.pngNames.unshift(named);
      if (watch.pngNames.length > PNG_NAMES.length + MAX_NAMED_PNGS) watch.pngNames.splice(MAX_NAMED_PNGS, 1);
    }
    if (!watch.png && PNG_HINT.test(text)) this.pollPng(instanceId, watch, PNG_POLLS);
    if (watch.idle) clearTimeout(watch.idle);
    watch.idle = setTimeout(() => {
      watch.idle = undefined;
      const drawing = watch.detector.flush();
      if (drawing) this.decode(instanceId, watch, drawing);
    }, IDLE_FLUSH_MS);
  }

  /** A new container starts a new pairing: forget the previous QR (the session itself is kept on disk). */
  reset(instanceId: string): void {
    const watch = this.watches.get(instanceId);
    if (watch?.idle) clearTimeout(watch.idle);
    if (watch?.png) clearTimeout(watch.png);
    this.watches.delete(instanceId);
  }

  /** One decoding at a time per instance; a drawing handed out meanwhile replaces the one waiting. */
  private decode(instanceId: string, watch: Watch, drawing: QrDrawing): void {
    if (watch.decoding) {
      watch.pending = drawing;
      return;
    }
    watch.decoding = true;
    this.decodeInTurn(instanceId, watch, drawing).catch((error: unknown) => this.log(`whatsapp ${instanceId}: decoding a QR code failed: ${describe(error)}`));
  }

  private async decodeInTurn(instanceId: string, watch: Watch, first: QrDrawing): Promise<void> {
    try {
      let drawing: QrDrawing | undefined = first;
      while (drawing && this.watches.get(instanceId) === watch) {
        const epoch = watch.epoch;
        const payload = await this.decoder.decodeDrawing(drawing);
        if (payload && epoch === watch.epoch && this.watches.get(instanceId) === watch) {
          this.apply(instanceId, watch, '', { payload, format: drawing.format });
        }
        drawing = watch.pending;
        watch.pending = undefined;
      }
    } finally {
      watch.decoding = false;
      watch.pending = undefined;
    }
  }

  /** Reads the QR image the bot keeps rewriting, until it connects (BuilderBot refreshes it every minute). */
  private pollPng(instanceId: string, watch: Watch, left: number): void {
    watch.png = setTimeout(
      () => {
        watch.png = undefined;
        if (this.watches.get(instanceId) !== watch || watch.state.connection === 'connected' || left <= 0) return;
        this.readPng(instanceId, watch)
          .catch((error: unknown) => this.log(`whatsapp ${instanceId}: reading the QR image failed: ${describe(error)}`))
          .finally(() => {
            if (this.watches.get(instanceId) === watch) this.pollPng(instanceId, watch, left - 1);
          });
      },
      watch.png === undefined && left === PNG_POLLS ? 500 : PNG_POLL_MS,
    );
  }

  private async readPng(instanceId: string, watch: Watch): Promise<void> {
    for (const name of [...watch.pngNames]) {
      const epoch = watch.epoch;
      const png = await this.readFile(instanceId, name).catch(() => undefined);
      const payload = png ? await this.decoder.decodePng(png) : undefined;
      if (payload && epoch === watch.epoch && this.watches.get(instanceId) === watch) {
        this.apply(instanceId, watch, '', { payload, format: 'png' });
        return;
      }
    }
  }

  private apply(instanceId: string, watch: Watch, line: string, qr: QrFound | undefined): void {
    const next = nextState(watch.state, { line, qr, at: this.now() });
    if (next === watch.state) return;
    if (next.connection !== watch.state.connection && (next.connection === 'connected' || next.connection === 'logged_out')) watch.epoch += 1;
    watch.state = next;
    this.publish(instanceId, next).catch((error: unknown) => this.log(`whatsapp ${instanceId}: publishing the pairing state failed: ${describe(error)}`));
  }

  private async publish(instanceId: string, state: WhatsappState): Promise<void> {
    const ts = this.now().toISOString();
    await this.store.append(logKeys.whatsapp(instanceId), [{ ts, stream: 'system', line: JSON.stringify(state) }]);
    const owner = await this.ownerOf(instanceId);
    if (owner) {
      await this.store.append(logKeys.userEvents(owner), [
        { ts, stream: 'system', line: JSON.stringify({ type: 'whatsapp', instanceId, connection: state.connection, at: ts }) },
      ]);
    }
  }

  private watch(instanceId: string): Watch {
    let watch = this.watches.get(instanceId);
    if (!watch) {
      watch = {
        detector: new QrDetector(),
        state: INITIAL_STATE,
        idle: undefined,
        png: undefined,
        pngNames: [...PNG_NAMES],
        decoding: false,
        pending: undefined,
        epoch: 0,
      };
      this.watches.set(instanceId, watch);
    }
    return watch;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
