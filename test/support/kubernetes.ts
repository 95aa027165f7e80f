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

/**
 * What a test cluster looks like right now, for a failing test's message: which of its processes are alive (their
 * logs' last lines when not), its node, pods and latest events. Never throws: a broken cluster is what it describes.
 */
export async function describeCluster(cluster: TestCluster): Promise<string> {
  const dir = path.dirname(cluster.kubeconfigPath);
  const parts: string[] = [`--- cluster ${cluster.name} (${dir})`];
  const components = ['registry', 'containerd', 'etcd', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'local-provisioner'];
  for (const component of components) {
    const pid = Number((await readFile(path.join(dir, 'run', `${component}.pid`), 'utf8').catch(() => '')).trim());
    const state = pid ? (await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).split(' ')[2] : undefined;
    const alive = state !== undefined && state !== '' && state !== 'Z';
    parts.push(`${component}: ${alive ? `alive (pid ${pid})` : `NOT RUNNING (pid ${pid || 'none'})`}`);
    if (!alive) {
      const log = await readFile(path.join(dir, 'logs', `${component}.log`), 'utf8').catch(() => '');
      parts.push(
        ...log
          .trimEnd()
          .split('\n')
          .slice(-8)
          .map((line) => `  | ${line.slice(0, 300)}`),
      );
    }
  }
  const attempts: [string, string[]][] = [
    ['nodes', ['get', 'nodes', '-o', 'wide']],
    ['pods', ['get', 'pods', '-A', '-o', 'wide']],
    ['claims', ['get', 'pvc', '-A']],
    ['events', ['get', 'events', '-A', '--sort-by=.lastTimestamp']],
  ];
  for (const [what, args] of attempts) {
    try {
      const text = await kubectl(cluster, ['--request-timeout=10s', ...args]);
      const lines = text.trimEnd().split('\n');
      parts.push(`${what}:`, ...(what === 'events' ? lines.slice(-25) : lines).map((line) => `  ${line.slice(0, 300)}`));
    } catch (error) {
      parts.push(`${what}: kubectl failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    }
  }
  return parts.join('\n');
}

/**
 * Runs `step`; when it fails, its error carries the clusters' description and `context()` (such as what the platform
 * logged): CI shows a failure's message, rarely what was printed before it.
 */
export async function explainedBy<T>(clusters: readonly (TestCluster | undefined)[], step: () => Promise<T>, context?: () => string): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const descriptions = await Promise.all(clusters.filter((c): c is TestCluster => c !== undefined).map(describeCluster));
    const explanation = [...descriptions, ...(context ? ['--- context', context()] : [])].join('\n');
    if (error instanceof Error) {
      error.message = `${error.message}\n${explanation}`;
      throw error;
    }
    throw new Error(`${String(error)}\n${explanation}`);
  }
}
