import path from 'node:path';
import { ConfigError } from '@zapdeploy/config';
import { describe, expect, it } from 'vitest';
import { loadApiConfig, SHIPPED_FLAGS_FILE } from './config.js';

const base = { ZAPDEPLOY_DATA_DIR: '/tmp/zapdeploy-config-test' };

describe('the console flags’ source', () => {
  it('is the flags file that ships with the platform unless told otherwise', () => {
    expect(loadApiConfig(base).flags).toEqual({ source: 'file', path: SHIPPED_FLAGS_FILE });
    expect(SHIPPED_FLAGS_FILE).toMatch(/apps\/api\/config\/flags\.json$/);
  });

  it('is another flags file (ZAPDEPLOY_FLAGS_FILE, relative to the working directory)', () => {
    expect(loadApiConfig({ ...base, ZAPDEPLOY_FLAGS_FILE: 'ops/flags.json' }).flags).toEqual({ source: 'file', path: path.resolve('ops/flags.json') });
  });

  it('is a flagd daemon (ZAPDEPLOY_FLAGD_HOST, its port and TLS)', () => {
    expect(loadApiConfig({ ...base, ZAPDEPLOY_FLAGD_HOST: 'flagd' }).flags).toEqual({ source: 'flagd', host: 'flagd', port: 8013, tls: false });
    expect(loadApiConfig({ ...base, ZAPDEPLOY_FLAGD_HOST: '10.0.0.5', ZAPDEPLOY_FLAGD_PORT: '9013', ZAPDEPLOY_FLAGD_TLS: 'true' }).flags).toEqual({
      source: 'flagd',
      host: '10.0.0.5',
      port: 9013,
      tls: true,
    });
  });

  it('refuses both at once, and a host that is not one', () => {
    expect(() => loadApiConfig({ ...base, ZAPDEPLOY_FLAGD_HOST: 'flagd', ZAPDEPLOY_FLAGS_FILE: 'f.json' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ ...base, ZAPDEPLOY_FLAGD_HOST: 'http://flagd:8013' })).toThrow(/ZAPDEPLOY_FLAGD_HOST/);
  });
});
