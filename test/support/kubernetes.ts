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

/** The kubectl that scripts/k8s/build.sh built (in its cache, by the Kubernetes version of scripts/k8s/src/go.mod). */
async function kubectlBinary(): Promise<string> {
  const goMod = await readFile(path.join(root, 'scripts/k8s/src/go.mod'), 'utf8');
  const version = /^\s*k8s\.io\/kubernetes v(\S+)/m.exec(goMod)?.[1];
  if (!version) throw new Error('scripts/k8s/src/go.mod names no k8s.io/kubernetes version');
  return path.join(process.env.ZAPDEPLOY_K8S_CACHE ?? '/var/cache/zapdeploy-k8s', version, 'bin/kubectl');
}

export async function kubectl(cluster: TestCluster, args: readonly string[], input?: string): Promise<string> {
  const child = run(await kubectlBinary(), ['--kubeconfig', cluster.kubeconfigPath, ...args], { maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) child.child.stdin?.end(input);
  return (await child).stdout;
}
