import type { QrFound } from './qr-detector.js';
import { stripAnsi } from './qr-matrix.js';

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

const PAIRING_CODE =
  /(?:pairing code|c[oó]digo de (?:pareamento|emparelhamento|vincula[cç][aã]o)|link(?:ing)? code|pair(?:ing)?[_ ]?code)\D{0,24}\b([A-Z0-9]{4}-?[A-Z0-9]{4})\b/i;
const CONNECTED =
  /(connection (?:open|opened)|opened connection|conex[aã]o aberta|client is ready|\bready\b.*whatsapp|whatsapp.*\bready\b|connected to whatsapp|conectado ao whatsapp|isLogged|inChat|authenticated)/i;
const LOGGED_OUT =
  /(logged ?out|loggedOut|desconectado pelo (?:telefone|celular)|desconnectedMobile|disconnectedMobile|connection (?:closed|replaced).*\b401\b|\b401\b.*logged)/i;

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
  const text = stripAnsi(input.line);
  const code = PAIRING_CODE.exec(text)?.[1];
  if (code) return { ...state, pairingCode: code.toUpperCase(), connection: 'waiting_qr' };
  if (LOGGED_OUT.test(text)) return { qr: null, pairingCode: null, connection: 'logged_out' };
  if (CONNECTED.test(text)) return { qr: null, pairingCode: null, connection: 'connected' };
  return state;
}
