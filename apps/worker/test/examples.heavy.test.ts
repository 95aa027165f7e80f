import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForInstance, waitForLog } from './deploy-helpers.js';

// The bots in examples/ (linked from the README's "deploy this example"), built and started on the platform
// from the npm registry, as a user would deploy them.
const EXAMPLES = fileURLToPath(new URL('../../../examples', import.meta.url));
let git: GitServer;
let api: TestApi;
let client: TestClient;

function filesOf(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(files, filesOf(full, `${prefix}${name}/`));
    else files[`${prefix}${name}`] = readFileSync(full, 'utf8');
  }
  return files;
}

beforeAll(async () => {
  git = await new GitServer().start();
  api = await startTestApi({ mode: 'full', worker: true, env: { ZAPDEPLOY_PUBLIC_SIGNUPS: 'false' } });
  client = new TestClient(api.url);
  expect((await client.post('/api/auth/sign-up/email', { email: 'examples@example.com', password: 'cavalo-bateria-grampo', name: 'E' })).status).toBe(200);
});
afterAll(async () => {
  await api?.close();
  await git?.stop();
});

async function deploy(example: string, planId: string) {
  const repoUrl = await git.commit(`${example}-${Date.now()}`, filesOf(path.join(EXAMPLES, example)));
  const created = await client.post('/api/v1/instances', { name: example, repoUrl, planId });
  expect(created.status).toBe(201);
  return String(created.body.id);
}

describe('examples', () => {
  it('whatsapp-web.js: builds with Debian’s Chromium and starts the browser', async () => {
    const id = await deploy('wwebjs-bot', 'plan_pro');
    const lines = await waitForLog(client, `/api/v1/instances/${id}/logs`, /^browser started: /, 900_000);
    expect(lines.map((l) => l.line).find((l) => l.startsWith('browser started: '))).toMatch(/Chrom(e|ium)\/\d+/);
    const deployment = (await waitForInstance(client, id, (i) => i.currentDeployment?.status === 'live')).currentDeployment;
    const build = ((await client.get(`/api/v1/deployments/${deployment?.id}/logs?limit=5000`)).body.items as { line: string }[]).map((l) => l.line);
    expect(build.some((l) => l.includes('chromium'))).toBe(true);
    expect((await client.get(`/api/v1/instances/${id}/whatsapp`)).body.sessionPersisted).toBe(true);
  });

  it('Baileys: installs from the registry (with the overrides) and starts', async () => {
    const id = await deploy('baileys-bot', 'plan_bot');
    await waitForLog(client, `/api/v1/instances/${id}/logs`, /^baileys example starting$/, 600_000);
  });

  it('BuilderBot: installs and starts', async () => {
    const id = await deploy('builderbot-bot', 'plan_bot');
    await waitForLog(client, `/api/v1/instances/${id}/logs`, /^builderbot example starting$/, 600_000);
  });
});
