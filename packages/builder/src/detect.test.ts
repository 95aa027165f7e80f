import { describe, expect, it } from 'vitest';
import { detectBuild, parseKeyValue, type SourceView } from './detect.js';

function view(files: Record<string, string>): SourceView {
  return { files: new Set(Object.keys(files)), read: (name) => files[name] };
}

describe(detectBuild.name, () => {
  it('prefers a Dockerfile', () => {
    expect(detectBuild(view({ Dockerfile: 'FROM x', 'package.json': '{}' }))).toMatchObject({ ok: true, plan: { kind: 'dockerfile' } });
  });

  it('builds Node with npm ci from a lockfile, build then start scripts', () => {
    const detection = detectBuild(
      view({ 'package.json': JSON.stringify({ scripts: { build: 'tsc', start: 'node dist/index.js' } }), 'package-lock.json': '{}' }),
    );
    expect(detection).toMatchObject({
      ok: true,
      plan: {
        kind: 'node',
        packageManager: 'npm',
        install: 'npm ci',
        build: 'npm run build',
        start: 'npm run start',
        manifestFiles: ['package.json', 'package-lock.json'],
      },
    });
  });

  it('picks pnpm and yarn from their lockfiles, and main when there is no start script', () => {
    const pnpm = detectBuild(view({ 'package.json': JSON.stringify({ main: 'bot.js' }), 'pnpm-lock.yaml': '', 'bot.js': '' }));
    expect(pnpm).toMatchObject({ ok: true, plan: { packageManager: 'pnpm', start: 'node bot.js', build: null } });
    const yarn = detectBuild(view({ 'package.json': '{}', 'yarn.lock': '', 'index.js': '' }));
    expect(yarn).toMatchObject({ ok: true, plan: { packageManager: 'yarn', start: 'node index.js' } });
  });

  it('says what to add when a Node project has nothing to start', () => {
    const detection = detectBuild(view({ 'package.json': '{}' }));
    expect(detection).toMatchObject({ ok: false, failure: { code: 'missing_start_node' } });
    if (!detection.ok) expect(detection.failure.hint).toContain('"start"');
  });

  it('reads zapdeploy.json, and reports a broken one', () => {
    const detection = detectBuild(view({ 'package.json': '{}', 'zapdeploy.json': JSON.stringify({ start: 'node src/bot.js', build: 'npm run compile' }) }));
    expect(detection).toMatchObject({ ok: true, plan: { start: 'node src/bot.js', build: 'npm run compile', source: 'zapdeploy.json' } });
    expect(detectBuild(view({ 'zapdeploy.json': '{' }))).toMatchObject({ ok: false, failure: { code: 'invalid_zapdeploy_json' } });
  });

  it('understands Square Cloud and Discloud config files', () => {
    const square = detectBuild(view({ 'package.json': '{}', 'squarecloud.app': 'MAIN=src/index.js\nMEMORY=256\nVERSION=recommended' }));
    expect(square).toMatchObject({ ok: true, plan: { kind: 'node', start: 'node src/index.js', source: 'squarecloud' } });
    if (square.ok) expect(square.notes.join(' ')).toContain('MEMORY');
    const discloud = detectBuild(view({ 'requirements.txt': 'requests', 'discloud.config': 'NAME=bot\nMAIN=bot.py\nRAM=100' }));
    expect(discloud).toMatchObject({ ok: true, plan: { kind: 'python', start: 'python3 bot.py', source: 'discloud' } });
    const custom = detectBuild(
      view({ 'package.json': '{}', 'discloud.config': 'MAIN=index.js\nSTART=node --max-old-space-size=200 index.js\nBUILD=npm run build' }),
    );
    expect(custom).toMatchObject({ ok: true, plan: { start: 'node --max-old-space-size=200 index.js', build: 'npm run build' } });
  });

  it('builds Python from requirements.txt and finds the entry point', () => {
    expect(detectBuild(view({ 'requirements.txt': 'requests', 'main.py': '' }))).toMatchObject({
      ok: true,
      plan: { kind: 'python', install: 'pip install --no-cache-dir -r requirements.txt', start: 'python3 main.py' },
    });
  });

  it('says what to add to an unknown project', () => {
    expect(detectBuild(view({ 'README.md': '' }))).toMatchObject({ ok: false, failure: { code: 'unknown_project' } });
  });
});

describe(parseKeyValue.name, () => {
  it('reads KEY=value lines, ignoring comments and blanks', () => {
    expect([...parseKeyValue('# c\nmain = index.js\r\n\nSTART=node a=b.js')]).toEqual([
      ['MAIN', 'index.js'],
      ['START', 'node a=b.js'],
    ]);
  });

  it('spots bots that drive a browser', () => {
    const wwebjs = detectBuild(view({ 'package.json': JSON.stringify({ main: 'index.js', dependencies: { 'whatsapp-web.js': '^1.34.0' } }), 'index.js': '' }));
    expect(wwebjs).toMatchObject({ ok: true, plan: { chromium: true } });
    if (wwebjs.ok && wwebjs.plan.kind === 'node') expect(wwebjs.plan.aptPackages).toContain('chromium');
    const baileys = detectBuild(view({ 'package.json': JSON.stringify({ main: 'index.js', dependencies: { baileys: '7.0.0' } }), 'index.js': '' }));
    expect(baileys).toMatchObject({ ok: true, plan: { chromium: false, aptPackages: [] } });
  });
});
