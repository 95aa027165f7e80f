import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryProvider } from '@openfeature/server-sdk';
import { ADMIN_AREA_NAMES, areaFlag } from '@zapdeploy/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_FLAGS_FILE } from '../../config.js';
import { flagdProviderFor, OpenFeatureFlags } from './openfeature-flags.js';

/** The flags file that ships with the platform, evaluated by flagd's in-process provider exactly as the API does. */

const subject = (roles: string[]) => ({ userId: `usr_${roles.join('_') || 'none'}`, email: 'pessoa@example.com', roles });
const logs: string[] = [];
let shipped: OpenFeatureFlags;
let scratch: string;

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function openAreas(flags: OpenFeatureFlags, roles: string[]): Promise<string[]> {
  const open: string[] = [];
  for (const area of ADMIN_AREA_NAMES) if (await flags.isOn(areaFlag(area), subject(roles))) open.push(area);
  return open;
}

beforeAll(async () => {
  shipped = await OpenFeatureFlags.open(flagdProviderFor({ source: 'file', path: SHIPPED_FLAGS_FILE }), (line) => logs.push(line), 'shipped');
  scratch = await mkdtemp(path.join(tmpdir(), 'zapdeploy-flags-'));
});
afterAll(async () => {
  await shipped?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe('the shipped flags file (flagd, in-process)', () => {
  it('loads without complaint', () => {
    expect(logs).toEqual([]);
  });

  it('opens every area to an owner', async () => {
    expect(await openAreas(shipped, ['owner'])).toEqual([...ADMIN_AREA_NAMES]);
  });

  it('opens exactly the areas whose role is held', async () => {
    for (const area of ADMIN_AREA_NAMES) expect(await openAreas(shipped, [`area-${area}`]), area).toEqual([area]);
    expect(await openAreas(shipped, ['area-finance', 'area-users'])).toEqual(['users', 'finance']);
  });

  it('keeps every area closed without such a role, and for roles of other names', async () => {
    expect(await openAreas(shipped, [])).toEqual([]);
    expect(await openAreas(shipped, ['clusters-admin', 'clusters-viewer', 'owner-ish', 'area-clusters-x'])).toEqual([]);
  });

  it('says off for a flag it does not define', async () => {
    expect(await shipped.isOn('admin.nope', subject(['owner']))).toBe(false);
  });
});

describe('an operator’s flags file', () => {
  it('is re-read when it changes: switching an area off takes effect without a restart', { timeout: 30_000 }, async () => {
    const file = path.join(scratch, 'operator.json');
    const shippedText = await readFile(SHIPPED_FLAGS_FILE, 'utf8');
    await writeFile(file, shippedText);
    const flags = await OpenFeatureFlags.open(flagdProviderFor({ source: 'file', path: file }), () => undefined, 'operator');
    try {
      expect(await openAreas(flags, ['area-finance', 'area-plans'])).toEqual(['plans', 'finance']);
      const edited = JSON.parse(shippedText) as { flags: Record<string, { state: string }> };
      const finance = edited.flags['admin.finance'];
      if (!finance) throw new Error('the shipped file has no admin.finance');
      finance.state = 'DISABLED';
      await writeFile(file, JSON.stringify(edited));
      await expect.poll(() => openAreas(flags, ['area-finance', 'area-plans']), { timeout: 20_000, interval: 250 }).toEqual(['plans']);
    } finally {
      await flags.close();
    }
  });
});

describe('flags that cannot be evaluated are off', () => {
  it('a missing flags file: every flag off, and the reason logged', async () => {
    const lines: string[] = [];
    const flags = await OpenFeatureFlags.open(
      flagdProviderFor({ source: 'file', path: path.join(scratch, 'missing.json') }),
      (line) => lines.push(line),
      'missing',
    );
    try {
      expect(await openAreas(flags, ['owner'])).toEqual([]);
      expect(lines.join('\n')).toContain('every console area stays closed');
    } finally {
      await flags.close();
    }
  });

  it('a flagd daemon that does not answer: every flag off, and the reason logged', async () => {
    const lines: string[] = [];
    const port = await closedPort();
    const flags = await OpenFeatureFlags.open(flagdProviderFor({ source: 'flagd', host: '127.0.0.1', port, tls: false }), (line) => lines.push(line), 'flagd');
    try {
      expect(await openAreas(flags, ['owner'])).toEqual([]);
      expect(lines.join('\n')).toContain('every console area stays closed');
    } finally {
      await flags.close();
    }
  });

  it('a flag of the wrong type, or one whose targeting fails, is off', async () => {
    const file = path.join(scratch, 'odd.json');
    await writeFile(
      file,
      JSON.stringify({
        flags: {
          'admin.clusters': { state: 'ENABLED', variants: { yes: 'yes' }, defaultVariant: 'yes' },
          'admin.users': { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
          'admin.finance': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
        },
      }),
    );
    const flags = await OpenFeatureFlags.open(flagdProviderFor({ source: 'file', path: file }), () => undefined, 'odd');
    try {
      expect(await openAreas(flags, ['owner'])).toEqual(['finance']);
    } finally {
      await flags.close();
    }
  });

  it('a provider’s answers count only when they are a clean true (InMemoryProvider)', async () => {
    const flags = await OpenFeatureFlags.open(
      new InMemoryProvider({
        'admin.plans': {
          variants: { on: true, off: false },
          defaultVariant: 'off',
          disabled: false,
          contextEvaluator: (ctx) => (ctx.email === 'pessoa@example.com' ? 'on' : 'off'),
        },
        'admin.finance': { variants: { on: true, off: false }, defaultVariant: 'on', disabled: true },
      }),
      () => undefined,
      'memory',
    );
    try {
      expect(await openAreas(flags, [])).toEqual(['plans']);
    } finally {
      await flags.close();
    }
  });
});
