import { z } from 'zod';

/** Thrown when the environment does not satisfy a schema; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Parses an environment with a zod object schema; empty strings count as unset. */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const got = cleaned[String(issue.path[0])];
      const shown = got === undefined ? 'it is not set' : `got "${redact(name, got)}"`;
      return `${name}: ${issue.message} (${shown})`;
    }),
  );
}

function redact(name: string, value: string): string {
  return /SECRET|TOKEN|KEY|PASSWORD/i.test(name) ? '***' : value;
}

/** "true"/"false"/"1"/"0"/"yes"/"no" → boolean. */
export const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

export const portNumber = z.coerce
  .number({ message: 'expected a TCP port number' })
  .int('expected a TCP port number')
  .min(0, 'expected a TCP port number (0-65535)')
  .max(65535, 'expected a TCP port number (0-65535)');

export const urlString = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `expected a URL (${protocols.map((p) => `${p}://`).join(', ')})` },
  );

export const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/**
 * Private git hosts that may be cloned from: "true" (all: a laptop, the tests), "false" (none: a public install),
 * or a comma-separated list of `host` or `host:port` (an internal git server; `[::1]:3000` for IPv6).
 */
export const privateGitHosts = z.string().transform((value, context): boolean | string[] => {
  const flag = booleanString.safeParse(value);
  if (flag.success) return flag.data;
  const hosts = value
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  for (const host of hosts) {
    try {
      const url = new URL(`http://${host}`);
      if (url.host !== host && url.hostname !== host) throw new Error(host);
    } catch {
      context.addIssue({ code: 'custom', message: 'expected true, false or a comma-separated list of host or host:port' });
      return z.NEVER;
    }
  }
  return hosts;
});
