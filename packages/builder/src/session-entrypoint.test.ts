import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sessionEntrypoint } from './session-entrypoint.js';

describe('sessionEntrypoint', () => {
  it('is valid POSIX sh', () => {
    expect(() => execFileSync('sh', ['-n', '-c', sessionEntrypoint()])).not.toThrow();
  });
  it('keeps the known folders and the patterns, passes signals on and saves pattern folders when the bot stops', () => {
    const script = sessionEntrypoint();
    expect(script).toContain('auth_info_baileys');
    expect(script).toContain("for pattern in 'auth_info*' '*_sessions'; do");
    expect(script).toContain('trap \'kill -TERM "$child"');
    expect(script.indexOf('save || true')).toBeGreaterThan(script.indexOf('wait "$child"'));
  });
});
