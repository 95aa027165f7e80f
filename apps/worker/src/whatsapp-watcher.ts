import { decodeQrPng, INITIAL_STATE, nextState, QrDetector, type WhatsappState } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';

type Watch = {
  detector: QrDetector;
  state: WhatsappState;
  idle: NodeJS.Timeout | undefined;
  png: NodeJS.Timeout | undefined;
  /** QR image names to read: the usual ones, and any `<name>.qr.png` the bot mentions (BuilderBot's provider name). */
  pngNames: string[];
};

const IDLE_FLUSH_MS = 300;
/** BuilderBot announces its QR in the logs and writes it as an image beside the code. */
const PNG_HINT = /ACTION REQUIRED|qr\.png|scan the qr|escanea(?:r)? el (?:c[oó]digo )?qr|escaneie o qr|leia o qr/i;
const PNG_NAMES = ['bot.qr.png', 'qr.png'];
const PNG_NAMED = /\b([A-Za-z0-9_-][A-Za-z0-9_.-]{0,80}\.qr\.png)\b/;
const PNG_POLL_MS = 3_000;
const PNG_POLLS = 100;

/**
 * Reads each bot's output for WhatsApp pairing: QR codes (any terminal drawing), pairing codes, connection
 * changes. The current state is stored per instance and announced on the owner's event stream.
 */
export class WhatsappWatcher {
  private readonly watches = new Map<string, Watch>();

  constructor(
    private readonly store: LogStore,
    private readonly ownerOf: (instanceId: string) => Promise<string | null>,
    /** Reads a small file from the bot's app directory (the runtime's readFile). */
    private readonly readFile: (instanceId: string, name: string) => Promise<Buffer | undefined> = async () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  onLine(instanceId: string, line: string): void {
    const watch = this.watch(instanceId);
    this.apply(instanceId, watch, line, watch.detector.push(line));
    const named = PNG_NAMED.exec(line)?.[1];
    if (named && !named.includes('..') && !watch.pngNames.includes(named)) watch.pngNames.unshift(named);
    if (PNG_HINT.test(line) && !watch.png) this.pollPng(instanceId, watch, PNG_POLLS);
    if (watch.idle) clearTimeout(watch.idle);
    watch.idle = setTimeout(() => {
      watch.idle = undefined;
      const found = watch.detector.flush();
      if (found) this.apply(instanceId, watch, '', found);
    }, IDLE_FLUSH_MS);
  }

  /** Reads the QR image the bot keeps rewriting, until it connects (BuilderBot refreshes it every minute). */
  private pollPng(instanceId: string, watch: Watch, left: number): void {
    watch.png = setTimeout(
      async () => {
        watch.png = undefined;
        if (this.watches.get(instanceId) !== watch || watch.state.connection === 'connected' || left <= 0) return;
        for (const name of watch.pngNames) {
          const png = await this.readFile(instanceId, name).catch(() => undefined);
          const payload = png ? decodeQrPng(png) : undefined;
          if (payload) {
            this.apply(instanceId, watch, '', { payload, format: 'png' });
            break;
          }
        }
        this.pollPng(instanceId, watch, left - 1);
      },
      watch.png === undefined && left === PNG_POLLS ? 500 : PNG_POLL_MS,
    );
  }

  /** A new container starts a new pairing: forget the previous QR (the session itself is kept on disk). */
  reset(instanceId: string): void {
    const watch = this.watches.get(instanceId);
    if (watch?.idle) clearTimeout(watch.idle);
    if (watch?.png) clearTimeout(watch.png);
    this.watches.delete(instanceId);
  }

  private apply(instanceId: string, watch: Watch, line: string, qr: ReturnType<QrDetector['push']>): void {
    const next = nextState(watch.state, { line, qr, at: this.now() });
    if (next === watch.state) return;
    watch.state = next;
    void this.publish(instanceId, next).catch(() => undefined);
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
      watch = { detector: new QrDetector(), state: INITIAL_STATE, idle: undefined, png: undefined, pngNames: [...PNG_NAMES] };
      this.watches.set(instanceId, watch);
    }
    return watch;
  }
}
