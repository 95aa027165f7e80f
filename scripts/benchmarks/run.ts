// `npm run bench`: the platform against floors measured in the same run, as ratios. Writes
// scripts/benchmarks/RESULTS.md. Needs what `npm test` needs (services, Docker, base images, Chromium,
// the built dashboard, the test clusters' binaries).

import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../../apps/web/test/browser.js';
import { fixtures } from '../../test/stand-ins/fixture-repos.js';
import { GitServer } from '../../test/stand-ins/git-server.js';
import { startTestApi } from '../../test/support/api-harness.js';
import { HOST_CA_FILE } from '../../test/support/docker.js';
import { TestClient } from '../../test/support/http-client.js';
import { dockerBuildAndRun, dockerStart } from './docker-floor.js';
import { kubernetesBenchmarks } from './kubernetes.js';
import { loadBenchmarks } from './load.js';
import { median, percentile, timed, until } from './stats.js';

type Row = { name: string; platform: string; floor: string; ratio: string; goal: string; ok: boolean };
const rows: Row[] = [];
const fmt = (ms: number) => `${Math.round(ms)} ms`;

const git = await new GitServer().start();
const api = await startTestApi({
  mode: 'full',
  web: true,
  env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false', ZAPDEPLOY_RESYNC_SECONDS: '15', ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: '100000' },
});
const client = new TestClient(api.url);
await client.post('/api/auth/sign-up/email', { email: 'bench@example.com', password: 'cavalo-bateria-grampo', name: 'Bench' });

async function status(id: string): Promise<{ status: string; image?: string }> {
  return (await client.get(`/api/v1/instances/${id}`)).body as unknown as { status: string };
}
async function firstLineSeen(id: string, pattern: RegExp): Promise<boolean> {
  const page = await client.get(`/api/v1/instances/${id}/logs?limit=200`);
  return (page.body.items as { line: string }[]).some((l) => pattern.test(l.line));
}
async function deploy(
  name: string,
  files: Record<string, string>,
  firstLine: RegExp | null = /^bot started/,
): Promise<{ id: string; toRunning: number; toFirstLine: number }> {
  const repoUrl = await git.commit(`${name}-${Date.now()}`, files);
  const start = performance.now();
  const created = await client.post('/api/v1/instances', { name, repoUrl, planId: 'plan_bot' });
  const id = created.body.id as string;
  await until(async () => (await status(id)).status === 'running', 300_000);
  const toRunning = performance.now() - start;
  if (firstLine) await until(() => firstLineSeen(id, firstLine), 120_000);
  return { id, toRunning, toFirstLine: performance.now() - start };
}

try {
  // 1. Deploy latency, warm cache: the same bot deployed once first, then fresh instances of it.
  await deploy('warmup', fixtures.nodeBot);
  const platform: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const run = await deploy(`deploy-${i}`, fixtures.nodeBot);
    platform.push(run.toFirstLine);
    await client.delete(`/api/v1/instances/${run.id}`);
    floor.push(await dockerBuildAndRun(await git.commit(`floor-${i}-${Date.now()}`, fixtures.nodeBot), /bot started/, HOST_CA_FILE));
  }
  const deployRatio = median(platform) / median(floor);
  rows.push({
    name: 'Deploy (create → first log line), warm cache',
    platform: fmt(median(platform)),
    floor: `${fmt(median(floor))} (docker build + run)`,
    ratio: `${deployRatio.toFixed(2)}×`,
    goal: '≤ 1.3×',
    ok: deployRatio <= 1.3,
  });

  // 2. Resume latency: paused → running, against docker start.
  const bot = await deploy('resume', fixtures.nodeBot);
  const resumes: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    await client.post(`/api/v1/instances/${bot.id}/pause`);
    await until(async () => (await status(bot.id)).status === 'paused', 60_000);
    const { ms } = await timed(async () => {
      await client.post(`/api/v1/instances/${bot.id}/resume`);
      await until(async () => (await status(bot.id)).status === 'running', 60_000, 10);
    });
    resumes.push(ms);
  }
  const starts = await dockerStart('node:24-slim');
  const resumeRatio = median(resumes) / median(starts);
  rows.push({
    name: 'Resume (paused → running)',
    platform: fmt(median(resumes)),
    floor: `${fmt(median(starts))} (docker start)`,
    ratio: `${resumeRatio.toFixed(2)}×`,
    goal: '≤ 1.2×, < 1 s',
    ok: resumeRatio <= 1.2 && median(resumes) < 1000,
  });

  // 3. Log latency and sustained throughput through SSE.
  const lines = 100_000;
  const talker = await deploy(
    'logs',
    {
      'package.json': JSON.stringify({ name: 'talker', scripts: { start: 'node index.js' } }),
      'index.js': [
        "console.log('bot started');",
        'let n = 0; const beat = setInterval(() => { console.log("t " + Date.now()); if (++n === 150) { clearInterval(beat); flood(); } }, 20);',
        `function flood() { let i = 0; const write = () => { let ok = true; while (i < ${lines} && ok) { ok = process.stdout.write('f ' + (i++) + '\\n'); } if (i < ${lines}) process.stdout.once('drain', write); else console.log('DONE ' + Date.now()); }; console.log('FLOOD ' + Date.now()); write(); }`,
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    },
    null,
  );
  const latencies: number[] = [];
  const seen = new Set<number>();
  let floodStart = 0;
  let floodEnd = 0;
  let dropped = 0;
  const controller = new AbortController();
  const response = await fetch(`${api.url}/api/v1/instances/${talker.id}/logs?follow=1&limit=1`, {
    headers: { cookie: client.cookieHeader() },
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`log stream answered ${response.status}: ${await response.text()}`);
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = Date.now() + 240_000;
  while (reader && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let index = buffer.indexOf('\n\n');
    while (index >= 0) {
      const data = buffer
        .slice(0, index)
        .split('\n')
        .find((l) => l.startsWith('data: '));
      buffer = buffer.slice(index + 2);
      index = buffer.indexOf('\n\n');
      if (!data) continue;
      const line = (JSON.parse(data.slice(6)) as { line: string }).line;
      if (line.startsWith('t ')) latencies.push(Date.now() - Number(line.slice(2)));
      else if (line.startsWith('f ')) seen.add(Number(line.slice(2)));
      else if (line.startsWith('FLOOD ')) floodStart = Number(line.slice(6));
      else if (line.startsWith('DONE ')) floodEnd = Date.now();
      else if (line.includes('descartada')) dropped += Number(/(\d+) linha/.exec(line)?.[1] ?? 0);
    }
    if (floodEnd && seen.size + dropped >= lines) break;
  }
  controller.abort();
  const throughput = seen.size / ((floodEnd - floodStart) / 1000);
  const p99 = percentile(latencies, 99);
  rows.push({
    name: 'Log latency (printed → SSE client), p50 / p99',
    platform: `${fmt(percentile(latencies, 50))} / ${fmt(p99)}`,
    floor: '—',
    ratio: '—',
    goal: 'p99 < 150 ms',
    ok: p99 < 150,
  });
  rows.push({
    name: `Log throughput (${lines} lines, one instance)`,
    platform: `${Math.round(throughput)} lines/s; ${seen.size} received, ${dropped} announced as dropped, ${lines - seen.size - dropped} lost`,
    floor: '—',
    ratio: '—',
    goal: '≥ 20,000 lines/s, none lost silently',
    ok: throughput >= 20_000 && seen.size + dropped === lines,
  });

  // 4. Dashboard: first-load JavaScript per page (gzipped) and time to the first log line.
  const browser = await launchChromium();
  const context = await browser.newContext({ locale: 'pt-BR' });
  await context.addCookies(
    client
      .cookieHeader()
      .split('; ')
      .filter(Boolean)
      .map((pair) => {
        const [name = '', value = ''] = pair.split('=');
        return { name, value, url: api.url };
      }),
  );
  const page = await context.newPage();
  for (const [label, path] of [
    ['/', '/'],
    ['/instances', '/instances'],
    ['/instances/:id', `/instances/${talker.id}`],
    ['/account', '/account'],
  ] as const) {
    const scripts = new Map<string, number>();
    const onResponse = async (r: import('playwright-core').Response) => {
      if (r.request().resourceType() === 'script') scripts.set(r.url(), gzipSync(await r.body()).length);
    };
    page.on('response', onResponse);
    await page.goto(`${api.url}${path}`, { waitUntil: 'networkidle' }).catch(() => undefined);
    page.off('response', onResponse);
    const kb = [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;
    rows.push({ name: `First-load JS ${label} (gzip)`, platform: `${kb.toFixed(0)} kB`, floor: '—', ratio: '—', goal: '< 200 kB', ok: kb < 200 });
  }
  const firstLine: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    await page.goto(`${api.url}/instances/${talker.id}`);
    await page.getByTestId('log-terminal').locator('.line.stdout').first().waitFor({ timeout: 30_000 });
    firstLine.push(performance.now() - start);
  }
  rows.push({
    name: 'Instance page → first log line shown',
    platform: fmt(median(firstLine)),
    floor: '—',
    ratio: '—',
    goal: '< 500 ms',
    ok: median(firstLine) < 500,
  });
  await browser.close();
} finally {
  await api.close();
  await git.stop();
}

// 5. The control plane under load (its own API, no worker).
for (const row of await loadBenchmarks()) rows.push({ ...row, floor: '—', ratio: '—' });

// 6. Deploy and resume on a real Kubernetes cluster, against floors on the same cluster.
rows.push(...(await kubernetesBenchmarks()));

const table = [
  `Measured ${new Date().toISOString()} on this machine (2 cores); medians.`,
  '',
  '| benchmark | platform | floor (same run) | ratio | goal | met |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.platform} | ${r.floor} | ${r.ratio} | ${r.goal} | ${r.ok ? 'yes' : 'no'} |`),
].join('\n');
console.log(`\n${table}\n`);
await writeFile(fileURLToPath(new URL('RESULTS.md', import.meta.url)), `${table}\n`);
process.exit(0);
