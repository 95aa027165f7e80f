import type { QrFound } from './qr-detector.js';
import { scanned, stripAnsi } from './qr-matrix.js';

export type Connection = 'unknown' | 'waiting_qr' | 'connected' | 'logged_out';

export type WhatsappState = {
  readonly qr: { readonly payload: string; readonly seenAt: string; readonly expiresAt: string } | null;
  readonly pairingCode: string | null;
  readonly connection: Connection;
};

export const INITIAL_STATE: WhatsappState = { qr: null, pairingCode: null, connection: 'unknown' };

/** First QR of a pairing lives ~60 s, later ones ~20 s (WhatsApp's rotation). */
const FIRST_QR_MS = 60_000;
const NEXT_QR_MS = 20_000;

/*
 * Each pattern is a choice of words with bounded gaps, so a search costs time linear in the line (no
 * `.*` between two words: that backtracks quadratically on a line that repeats the first one). "A, then B
 * later on the line" is two searches, the second from where the first matched (`followedBy`).
 */
const PAIRING_CODE =
  /(?:pairing code|c[oó]digo de (?:pareamento|emparelhamento|vincula[cç][aã]o)|link(?:ing)? code|pair(?:ing)?[_ ]?code)\D{0,24}\b([A-Z0-9]{4}-?[A-Z0-9]{4})\b/i;
const CONNECTED =
  /connection (?:open|opened)|opened connection|conex[aã]o aberta|client is ready|connected to whatsapp|conectado ao whatsapp|isLogged|inChat|authenticated/i;
const READY = /\bready\b/gi;
const WHATSAPP = /whatsapp/gi;
const LOGGED_OUT = /logged ?out|loggedOut|desconectado pelo (?:telefone|celular)|desconnectedMobile|disconnectedMobile/i;
const CONNECTION_CLOSED = /connection (?:closed|replaced)/gi;
const UNAUTHORIZED = /\b401\b/g;
const LOGGED = /logged/gi;

/** Every pattern of this module, for the tests that prove them free of super-linear backtracking. */
export const WHATSAPP_STATE_PATTERNS: readonly RegExp[] = [PAIRING_CODE, CONNECTED, READY, WHATSAPP, LOGGED_OUT, CONNECTION_CLOSED, UNAUTHORIZED, LOGGED];

/** True when `first` matches and `then` matches after it (both global: searched from a position). */
function followedBy(text: string, first: RegExp, then: RegExp): boolean {
  first.lastIndex = 0;
  const found = first.exec(text);
  if (!found) return false;
  then.lastIndex = found.index + found[0].length;
  return then.exec(text) !== null;
}

function isConnected(text: string): boolean {
  return CONNECTED.test(text) || followedBy(text, READY, WHATSAPP) || followedBy(text, WHATSAPP, READY);
}

function isLoggedOut(text: string): boolean {
  return LOGGED_OUT.test(text) || followedBy(text, CONNECTION_CLOSED, UNAUTHORIZED) || followedBy(text, UNAUTHORIZED, LOGGED);
}

/**
 * The pairing state a bot's output implies: the QR to show (with its expiry), a pairing code, and whether
 * the bot is connected. Pure: the caller passes the time of the line.
 */
export function nextState(state: WhatsappState, input: { readonly line: string; readonly qr: QrFound | undefined; readonly at: Date }): WhatsappState {
  if (input.qr) {
    const fresh = !state.qr || input.at.getTime() - new Date(state.qr.expiresAt).getTime() > 2 * NEXT_QR_MS;
    if (state.qr?.payload === input.qr.payload) return state;
    return {
      qr: {
        payload: input.qr.payload,
        seenAt: input.at.toISOString(),
        expiresAt: new Date(input.at.getTime() + (fresh ? FIRST_QR_MS : NEXT_QR_MS)).toISOString(),
      },
      pairingCode: state.pairingCode,
      connection: 'waiting_qr',
    };
  }
  const text = stripAnsi(scanned(input.line));
  const code = PAIRING_CODE.exec(text)?.[1];
  if (code) return { ...state, pairingCode: code.toUpperCase(), connection: 'waiting_qr' };
  if (isLoggedOut(text)) return { qr: null, pairingCode: null, connection: 'logged_out' };
  if (isConnected(text)) return { qr: null, pairingCode: null, connection: 'connected' };
  return state;
}
