import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tables } from '@zapdeploy/db';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A Kubernetes cluster added through the API against a real single-node cluster built here (scripts/k8s/cluster.sh):
 * the kubeconfig is checked by listing the nodes, their capacity and allocatable are read and summed.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** scripts/k8s/cluster.sh of this checkout (ZAPDEPLOY_TEST_K8S_SCRIPT: another one). */
const CLUSTER_SH = process.env.ZAPDEPLOY_TEST_K8S_SCRIPT ?? path.join(root, 'scripts/k8s/cluster.sh');
const NAME = 'probe';
const run = promisify(execFile);

let api: TestApi;
let owner: TestClient;
let kubeconfig = '';

beforeAll(async () => {
  const { stdout } = await run('bash', [CLUSTER_SH, 'up', NAME], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const kubeconfigPath = stdout.trim().split('\n').at(-1) ?? '';
  kubeconfig = await readFile(kubeconfigPath, 'utf8');
  api = await startTestApi({ mode: 'full', env: { ZAPDEPLOY_SUPERADMINS: 'chefe@example.com' } });
  owner = new TestClient(api.url);
  expect((await owner.post('/api/auth/sign-up/email', { email: 'chefe@example.com', password: 'cavalo-bateria-grampo', name: 'Chefe' })).status).toBe(200);
}, 900_000);
afterAll(async () => {
  await api?.close();
  await run('bash', [CLUSTER_SH, 'down', NAME], { cwd: root }).catch(() => undefined);
}, 300_000);

describe('a Kubernetes cluster', () => {
  it('is added once its kubeconfig lists the nodes; capacity and allocatable come from them, the kubeconfig is sealed', async () => {
    const created = await owner.post('/api/v1/admin/clusters', {
      name: 'k8s-local',
      kind: 'kubernetes',
      region: 'loopback',
      credentials: kubeconfig,
      storageClass: 'local-path',
      monthlyCostCents: 50_000,
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ kind: 'kubernetes', status: 'active', storageClass: 'local-path', lastError: null });
    const capacity = created.body.capacity as { memoryMb: number; cpuMillis: number };
    const allocatable = created.body.allocatable as { memoryMb: number; cpuMillis: number };
    expect(capacity.memoryMb).toBeGreaterThan(256);
    expect(capacity.cpuMillis).toBeGreaterThanOrEqual(1000);
    expect(allocatable.memoryMb).toBeGreaterThan(0);
    expect(allocatable.memoryMb).toBeLessThanOrEqual(capacity.memoryMb);
    expect(allocatable.cpuMillis).toBeLessThanOrEqual(capacity.cpuMillis);
    expect(created.text).not.toContain('client-key-data');
    const [row] = await api.platform.database.db
      .select()
      .from(tables.clusters)
      .where(eq(tables.clusters.id, created.body.id as string));
    expect(row?.credentialsEncrypted).toMatch(/^v1\./);
    expect(row?.credentialsEncrypted).not.toContain('client-key-data');
  });

  it('refuses credentials the cluster does not accept (422 unauthorized), saving nothing', async () => {
    const wrongUser = kubeconfig.replace(/client-certificate-data: .*\n\s*client-key-data: .*/, 'token: not-a-real-token');
    expect(wrongUser).toContain('not-a-real-token');
    const refused = await owner.request(
      'POST',
      '/api/v1/admin/clusters',
      { name: 'k8s-bad', kind: 'kubernetes', region: 'r', credentials: wrongUser },
      { 'accept-language': 'en' },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('cluster_unreachable');
    expect(refused.body.detail).toContain('refused the credentials');
    expect(refused.text).not.toContain('not-a-real-token');
    expect((await owner.get('/api/v1/admin/clusters')).body.items as { name: string }[]).not.toContainEqual(expect.objectContaining({ name: 'k8s-bad' }));
  });
});
