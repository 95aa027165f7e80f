import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type TestCluster = { readonly name: string; readonly kubeconfigPath: string; readonly kubeconfig: string };

/**
 * A real single-node Kubernetes cluster on this machine (scripts/k8s/cluster.sh: built from source once, cached
 * outside the repository). Idempotent: a running cluster of that name is reused.
 */
export async function ensureCluster(name: string): Promise<TestCluster> {
  const { stdout } = await run('bash', [path.join(root, 'scripts/k8s/cluster.sh'), 'up', name], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60 * 1000,
  });
  const kubeconfigPath = stdout.trim().split('\n').at(-1)?.trim() ?? '';
  if (!kubeconfigPath) throw new Error(`cluster.sh up ${name} printed no kubeconfig path`);
  return { name, kubeconfigPath, kubeconfig: await readFile(kubeconfigPath, 'utf8') };
}

export async function kubectl(cluster: TestCluster, args: readonly string[], input?: string): Promise<string> {
  const child = run(path.join(root, 'scripts/k8s/kubectl.sh'), ['--kubeconfig', cluster.kubeconfigPath, ...args], { maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
}
