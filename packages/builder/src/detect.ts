import { z } from 'zod';
import type { BuildPlan, Detection, NodePlan, PythonPlan } from './build-plan.js';

/** What detection may look at: names at the root of the app directory, and the text of small files. */
export type SourceView = {
  readonly files: ReadonlySet<string>;
  read(name: string): string | undefined;
};

const ZapdeployJsonSchema = z
  .object({
    runtime: z.enum(['node', 'python']).optional(),
    build: z.string().min(1).max(512).optional(),
    start: z.string().min(1).max(512).optional(),
    node: z.string().optional(),
    // Relative folder names only: they are linked to the volume by the entrypoint (split on spaces).
    persistentPaths: z
      .array(z.string().regex(/^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\-/]{1,200}$/, 'a relative folder name (letters, digits, . _ - /)'))
      .max(20)
      .optional(),
    apt: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/))
      .max(50)
      .optional(),
  })
  .passthrough();
export type ZapdeployJson = z.infer<typeof ZapdeployJsonSchema>;

const NODE_ENTRY_CANDIDATES = ['index.js', 'main.js', 'bot.js', 'app.js', 'server.js', 'src/index.js', 'dist/index.js'];
const PYTHON_ENTRY_CANDIDATES = ['main.py', 'bot.py', 'app.py', '__main__.py'];

/**
 * Decides how to build and start a repository: Dockerfile → zapdeploy.json → Square Cloud / Discloud
 * config → Node (package manager from the lockfile; build then start script, or main) → Python.
 * Pure: reads only what `source` gives it.
 */
export function detectBuild(source: SourceView): Detection {
  if (source.files.has('Dockerfile')) return { ok: true, plan: { kind: 'dockerfile', dockerfile: 'Dockerfile', source: 'Dockerfile' }, notes: [] };

  const notes: string[] = [];
  let overrides: { build?: string; start?: string; runtime?: 'node' | 'python'; apt?: readonly string[] } = {};
  let origin: 'zapdeploy.json' | 'squarecloud' | 'discloud' | undefined;

  const zapdeployJson = source.read('zapdeploy.json');
  if (zapdeployJson !== undefined) {
    const parsed = parseZapdeployJson(zapdeployJson);
    if (!parsed.ok) return { ok: false, failure: parsed.failure };
    overrides = parsed.value;
    origin = 'zapdeploy.json';
  } else {
    const square = source.read('squarecloud.app') ?? source.read('squarecloud.config');
    const discloud = source.read('discloud.config');
    const config = square ?? discloud;
    if (config !== undefined) {
      origin = square !== undefined ? 'squarecloud' : 'discloud';
      const keys = parseKeyValue(config);
      const main = keys.get('MAIN');
      const runtime = main?.endsWith('.py') ? 'python' : main ? 'node' : undefined;
      const start = keys.get('START') ?? (main ? (runtime === 'python' ? `python3 ${quote(main)}` : `node ${quote(main)}`) : undefined);
      overrides = { ...(start ? { start } : {}), ...(keys.get('BUILD') ? { build: keys.get('BUILD') } : {}), ...(runtime ? { runtime } : {}) };
      for (const ignored of ['MEMORY', 'RAM', 'VERSION', 'AUTORESTART', 'APT']) {
        if (keys.has(ignored)) notes.push(`${origin}: ${ignored} is handled by Zapdeploy (plan, Node 24, automatic restarts); ignored`);
      }
    }
  }

  const isNode = source.files.has('package.json') && overrides.runtime !== 'python';
  const isPython = !isNode && (source.files.has('requirements.txt') || source.files.has('pyproject.toml') || overrides.runtime === 'python');
  const plan: BuildPlan | undefined = isNode ? nodePlan(source, overrides, origin) : isPython ? pythonPlan(source, overrides, origin) : undefined;
  if (!plan) {
    return {
      ok: false,
      failure: {
        code: 'unknown_project',
        hint: 'Add a package.json (Node) or requirements.txt (Python), a Dockerfile, or a zapdeploy.json with "start".',
      },
    };
  }
  if (!plan.start) {
    return {
      ok: false,
      failure: {
        code: plan.kind === 'node' ? 'missing_start_node' : 'missing_start_python',
        hint:
          plan.kind === 'node'
            ? 'Add "scripts": { "start": "node index.js" } (or "main") to package.json, or "start" to zapdeploy.json.'
            : 'Add a main.py, or "start": "python3 your_bot.py" to zapdeploy.json.',
      },
    };
  }
  return { ok: true, plan, notes };
}

function nodePlan(
  source: SourceView,
  overrides: { build?: string; start?: string; apt?: readonly string[] },
  origin: NodePlan['source'] | undefined,
): NodePlan {
  let pkg: { scripts?: Record<string, unknown>; main?: unknown; dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> } = {};
  try {
    pkg = JSON.parse(source.read('package.json') ?? '{}') as typeof pkg;
  } catch {
    pkg = {};
  }
  const scripts = pkg.scripts ?? {};
  const packageManager = source.files.has('pnpm-lock.yaml') ? 'pnpm' : source.files.has('yarn.lock') ? 'yarn' : 'npm';
  const lockfile = { npm: source.files.has('package-lock.json') ? 'package-lock.json' : null, pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' }[packageManager];
  const install = {
    npm: lockfile ? 'npm ci' : 'npm install',
    pnpm: 'npx --yes pnpm@9 install --frozen-lockfile',
    yarn: 'npx --yes yarn@1 install --frozen-lockfile',
  }[packageManager];
  const run = (script: string) =>
    ({ npm: `npm run ${script}`, pnpm: `npx --yes pnpm@9 run ${script}`, yarn: `npx --yes yarn@1 run ${script}` })[packageManager];
  const main = typeof pkg.main === 'string' && source.files.has(pkg.main.replace(/^\.\//, '')) ? pkg.main : undefined;
  const entry = main ?? NODE_ENTRY_CANDIDATES.find((candidate) => source.files.has(candidate));
  const start = overrides.start ?? (typeof scripts.start === 'string' ? run('start') : entry ? `node ${quote(entry)}` : '');
  const build = overrides.build ?? (typeof scripts.build === 'string' ? run('build') : null);
  return {
    kind: 'node',
    packageManager,
    manifestFiles: ['package.json', ...(lockfile ? [lockfile] : []), ...(source.files.has('.npmrc') ? ['.npmrc'] : [])],
    install,
    build,
    start,
    aptPackages: [...new Set([...(overrides.apt ?? []), ...(needsChromium(pkg) ? CHROMIUM_PACKAGES : [])])],
    chromium: needsChromium(pkg),
    source: origin ?? 'package.json',
  };
}

/** Libraries that drive a headless browser: the image gets Debian's Chromium instead of puppeteer's download. */
export const CHROMIUM_LIBRARIES = [
  'puppeteer',
  'puppeteer-core',
  'whatsapp-web.js',
  'venom-bot',
  '@wppconnect-team/wppconnect',
  '@builderbot/provider-venom',
  '@builderbot/provider-wppconnect',
  '@builderbot/provider-web-whatsapp',
];
const CHROMIUM_PACKAGES = ['chromium', 'fonts-liberation', 'fonts-noto-color-emoji', 'fonts-noto-cjk'];

function needsChromium(pkg: { dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown> }): boolean {
  const names = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  return CHROMIUM_LIBRARIES.some((name) => names.has(name));
}

function pythonPlan(
  source: SourceView,
  overrides: { build?: string; start?: string; apt?: readonly string[] },
  origin: PythonPlan['source'] | undefined,
): PythonPlan {
  const hasRequirements = source.files.has('requirements.txt');
  const entry = PYTHON_ENTRY_CANDIDATES.find((candidate) => source.files.has(candidate));
  return {
    kind: 'python',
    manifestFiles: hasRequirements ? ['requirements.txt'] : source.files.has('pyproject.toml') ? ['pyproject.toml'] : [],
    install: hasRequirements ? 'pip install --no-cache-dir -r requirements.txt' : source.files.has('pyproject.toml') ? 'pip install --no-cache-dir .' : 'true',
    build: overrides.build ?? null,
    start: overrides.start ?? (entry ? `python3 ${quote(entry)}` : ''),
    aptPackages: overrides.apt ?? [],
    source: origin ?? (hasRequirements ? 'requirements.txt' : 'pyproject.toml'),
  };
}

function parseZapdeployJson(text: string): { ok: true; value: ZapdeployJson } | { ok: false; failure: { code: string; hint: string } } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, failure: { code: 'invalid_zapdeploy_json', hint: 'zapdeploy.json is not valid JSON.' } };
  }
  const parsed = ZapdeployJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      failure: { code: 'invalid_zapdeploy_json', hint: `zapdeploy.json: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}` },
    };
  }
  return { ok: true, value: parsed.data };
}

/** Square Cloud / Discloud `KEY=value` files (comments with #). */
export function parseKeyValue(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const index = line.indexOf('=');
    if (index <= 0) continue;
    map.set(line.slice(0, index).trim().toUpperCase(), line.slice(index + 1).trim());
  }
  return map;
}

function quote(path: string): string {
  return /^[\w./@-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

export function persistentPathsOf(source: SourceView): string[] {
  const text = source.read('zapdeploy.json');
  if (text === undefined) return [];
  const parsed = parseZapdeployJson(text);
  return parsed.ok ? (parsed.value.persistentPaths ?? []) : [];
}
