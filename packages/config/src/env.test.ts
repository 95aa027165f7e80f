import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { booleanString, ConfigError, parseEnv, portNumber, privateGitHosts, urlString } from './env.js';

const schema = z.object({
  PORT: portNumber.default(3000),
  DATABASE_URL: urlString(['postgres', 'postgresql']).optional(),
  FLAG: booleanString.default(false),
  MY_SECRET: z.string().min(32, 'expected at least 32 characters'),
});

describe(parseEnv.name, () => {
  it('parses and applies defaults', () => {
    const sut = parseEnv(schema, { MY_SECRET: 'x'.repeat(32), FLAG: 'yes' });
    expect(sut).toEqual({ PORT: 3000, FLAG: true, MY_SECRET: 'x'.repeat(32) });
  });

  it('treats empty strings as unset', () => {
    expect(parseEnv(schema, { MY_SECRET: 'x'.repeat(32), DATABASE_URL: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable and what it expects, without echoing secrets', () => {
    const run = () => parseEnv(schema, { PORT: 'http', DATABASE_URL: 'mysql://x', MY_SECRET: 'short' });
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('PORT: expected a TCP port number (got "http")');
      expect(message).toContain('DATABASE_URL: expected a URL (postgres://, postgresql://)');
      expect(message).toContain('MY_SECRET: expected at least 32 characters (got "***")');
      expect(message).not.toContain('short');
    }
  });
});

describe('privateGitHosts', () => {
  const hosts = z.object({ HOSTS: privateGitHosts.default(false) });
  it.each([
    [undefined, false],
    ['true', true],
    ['false', false],
    ['127.0.0.1:8080', ['127.0.0.1:8080']],
    ['Gitea.internal, 10.0.0.5:3000,[::1]:22', ['gitea.internal', '10.0.0.5:3000', '[::1]:22']],
  ])('%s → %j', (value, expected) => {
    expect(parseEnv(hosts, { HOSTS: value }).HOSTS).toEqual(expected);
  });
  it.each(['http://x', 'a b', 'host/path', 'host:port'])('refuses %s', (value) => {
    expect(() => parseEnv(hosts, { HOSTS: value })).toThrow(/HOSTS: expected true, false or a comma-separated list/);
  });
});
