import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadAccessConfig } from './access.js';

const full = { DATABASE_URL: 'postgres://db/x', AMQP_URL: 'amqp://mq', REDIS_URL: 'redis://r', ZAPDEPLOY_SECRET: 'x'.repeat(32) };

describe(isLoopbackHost.name, () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.0.10', false],
    ['bots.example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe(loadAccessConfig.name, () => {
  it('makes a laptop install (embedded) closed, without guests, on loopback only', () => {
    expect(loadAccessConfig({})).toMatchObject({
      host: '127.0.0.1',
      apiHost: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      publicSignups: false,
      guests: false,
      localOnly: true,
      guestTtlDays: 7,
    });
  });
  it('makes a full install public, with guests, on every interface', () => {
    expect(loadAccessConfig(full)).toMatchObject({ host: '0.0.0.0', publicSignups: true, guests: true, localOnly: false });
  });
  it('lets the operator open a laptop install or close a server', () => {
    expect(loadAccessConfig({ HOST: '0.0.0.0' }).localOnly).toBe(false);
    expect(loadAccessConfig({ ZAPDEPLOY_PUBLIC_URL: 'https://bots.example.com' }).localOnly).toBe(false);
    expect(loadAccessConfig({ ...full, ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' })).toMatchObject({ publicSignups: false, guests: false });
    expect(loadAccessConfig({ ZAPDEPLOY_GUESTS: 'true' }).guests).toBe(true);
    expect(loadAccessConfig({ ZAPDEPLOY_SIGNUP_ALLOWLIST: 'Ana@X.com, @Empresa.com.br' }).signupAllowlist).toEqual(['ana@x.com', '@empresa.com.br']);
  });
});
