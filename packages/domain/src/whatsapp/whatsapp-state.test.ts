import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, nextState } from './whatsapp-state.js';

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 10, 0, s));

describe(nextState.name, () => {
  it('keeps the first QR 60 s and the next ones 20 s', () => {
    const first = nextState(INITIAL_STATE, { line: '', qr: { payload: 'A', format: 'raw' }, at: at(0) });
    expect(first).toMatchObject({ connection: 'waiting_qr', qr: { payload: 'A', expiresAt: at(60).toISOString() } });
    const second = nextState(first, { line: '', qr: { payload: 'B', format: 'raw' }, at: at(50) });
    expect(second.qr?.expiresAt).toBe(at(70).toISOString());
  });

  it('reads pairing codes and connection changes', () => {
    const code = nextState(INITIAL_STATE, { line: 'Pairing code: ABCD-1234', qr: undefined, at: at(0) });
    expect(code).toMatchObject({ pairingCode: 'ABCD-1234', connection: 'waiting_qr' });
    expect(nextState(code, { line: 'connection open', qr: undefined, at: at(1) })).toEqual({ qr: null, pairingCode: null, connection: 'connected' });
    expect(nextState(INITIAL_STATE, { line: 'Client is ready!', qr: undefined, at: at(1) }).connection).toBe('connected');
    expect(nextState(INITIAL_STATE, { line: 'connection closed, loggedOut (401)', qr: undefined, at: at(1) }).connection).toBe('logged_out');
    expect(nextState(INITIAL_STATE, { line: 'tick 1', qr: undefined, at: at(1) })).toBe(INITIAL_STATE);
  });
});
