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

  it('reads "ready" and "whatsapp" in either order, and a 401 with the connection closing', () => {
    const connection = (line: string) => nextState(INITIAL_STATE, { line, qr: undefined, at: at(1) }).connection;
    expect(connection('WhatsApp bot is ready')).toBe('connected');
    expect(connection('ready to serve WhatsApp users')).toBe('connected');
    expect(connection('ready to serve')).toBe('unknown');
    expect(connection('connection replaced by another device, code 401')).toBe('logged_out');
    expect(connection('401 then connection closed')).toBe('unknown');
    expect(connection('status 401: not logged in')).toBe('logged_out');
  });

  it('reads crafted 100 KB lines in bounded work', () => {
    const lines = [
      'ready '.repeat(20_000),
      'whatsapp '.repeat(12_000),
      'connection closed '.repeat(6_000),
      ' 401'.repeat(25_000),
      `pairing code ${'-'.repeat(100_000)}`,
    ];
    const started = performance.now();
    for (const line of lines) expect(nextState(INITIAL_STATE, { line, qr: undefined, at: at(1) }).connection).toBe('unknown');
    // A sanity check only (the proof is patterns.test.ts): the quadratic patterns took seconds here.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
