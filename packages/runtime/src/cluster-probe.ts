import os from 'node:os';
import {
  type ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Node,
} from '@kubernetes/client-node';
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import { type ClusterCapacity, type ClusterKind, type ClusterProbe, ClusterProbeError, type ProbeFailure } from '@zapdeploy/domain';
import Docker from 'dockerode';
import { load as loadYaml } from 'js-yaml';

/**
 * Connects to a cluster with the credentials an operator gave and reads what it can give: a Docker engine's
 * `info()` (memory and CPUs), a Kubernetes cluster's nodes (`status.capacity`, and `status.allocatable` of the ready,
 * schedulable ones), this machine for the process runtime. Failures are ClusterProbeErrors with a reason and the
 * address tried, never the credentials.
 */
export class RuntimeClusterProbe implements ClusterProbe {
  constructor(private readonly options: { readonly timeoutMs: number } = { timeoutMs: 10_000 }) {}

  async probe(kind: ClusterKind, credentials: string): Promise<ClusterCapacity> {
    if (kind === 'docker') return probeDocker(credentials, this.options.timeoutMs);
    if (kind === 'kubernetes') return probeKubernetes(credentials, this.options.timeoutMs);
    return probeThisMachine();
  }
}

const MIB = 1024 * 1024;

// --- Docker ---

/** A Docker engine's address: a unix socket (`unix:///var/run/docker.sock` or a path) or `tcp://`/`http://`/`https://host:port`. */
export type DockerEndpoint = { readonly options: Docker.DockerOptions; readonly display: string };

export function parseDockerEndpoint(text: string): DockerEndpoint {
  const value = text.trim();
  if (value.startsWith('/')) return { options: { socketPath: value }, display: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ClusterProbeError('invalid_endpoint');
  }
  if (url.username || url.password || url.search || url.hash) throw new ClusterProbeError('invalid_endpoint');
  if (url.protocol === 'unix:') {
    if (url.host || !url.pathname.startsWith('/')) throw new ClusterProbeError('invalid_endpoint');
    return { options: { socketPath: url.pathname }, display: url.pathname };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    if (!url.hostname || (url.pathname !== '' && url.pathname !== '/')) throw new ClusterProbeError('invalid_endpoint');
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const port = Number(url.port || (protocol === 'https' ? 2376 : 2375));
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { options: { host, port, protocol }, display: `${url.hostname}:${port}` };
  }
  throw new ClusterProbeError('invalid_endpoint');
}

async function probeDocker(credentials: string, timeoutMs: number): Promise<ClusterCapacity> {
  const endpoint = parseDockerEndpoint(credentials);
  const docker = new Docker({ ...endpoint.options, timeout: timeoutMs });
  let info: { MemTotal?: unknown; NCPU?: unknown; ServerVersion?: unknown };
  try {
    await docker.ping();
    info = (await docker.info()) as typeof info;
  } catch (error) {
    throw new ClusterProbeError(failureOf(error), endpoint.display);
  }
  if (typeof info.MemTotal !== 'number' || typeof info.NCPU !== 'number' || typeof info.ServerVersion !== 'string') {
    throw new ClusterProbeError('unexpected_answer', endpoint.display);
  }
  const memoryMb = Math.floor(info.MemTotal / MIB);
  const cpuMillis = info.NCPU * 1000;
  return { capacityMemoryMb: memoryMb, capacityCpuMillis: cpuMillis, allocatableMemoryMb: memoryMb, allocatableCpuMillis: cpuMillis, nodes: 1 };
}

// --- Kubernetes ---

/**
 * What a kubeconfig given through the API may hold. Everything that would make the platform run a program (`exec`,
 * `auth-provider`) or read a file of its own machine (`token-file`, `client-certificate`, `client-key`,
 * `certificate-authority`) is refused: credentials must be inline (a ServiceAccount token or client certificate data).
 */
const ALLOWED_CLUSTER_FIELDS = new Set([
  'server',
  'certificate-authority-data',
  'tls-server-name',
  'insecure-skip-tls-verify',
  'proxy-url',
  'disable-compression',
  'extensions',
]);
const ALLOWED_USER_FIELDS = new Set(['token', 'client-certificate-data', 'client-key-data', 'username', 'password', 'extensions']);

/**
 * A KubeConfig from a kubeconfig's text, checked first (see ALLOWED_*_FIELDS), with a current context whose cluster
 * has an http(s) server. One per cluster: never a shared, switched context.
 */
export function kubeConfigFromText(text: string): { readonly kubeConfig: KubeConfig; readonly server: string } {
  let parsed: unknown;
  try {
    parsed = loadYaml(text);
  } catch {
    throw new ClusterProbeError('invalid_kubeconfig');
  }
  if (!isRecord(parsed)) throw new ClusterProbeError('invalid_kubeconfig');
  checkEntries(parsed.clusters, 'cluster', ALLOWED_CLUSTER_FIELDS);
  checkEntries(parsed.users, 'user', ALLOWED_USER_FIELDS);
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromString(text);
  } catch {
    throw new ClusterProbeError('invalid_kubeconfig');
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster || !kubeConfig.getCurrentUser()) throw new ClusterProbeError('invalid_kubeconfig');
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new ClusterProbeError('invalid_kubeconfig');
  }
  if (server.protocol !== 'https:' && server.protocol !== 'http:') throw new ClusterProbeError('invalid_kubeconfig');
  return { kubeConfig, server: server.host };
}

function checkEntries(entries: unknown, key: 'cluster' | 'user', allowed: ReadonlySet<string>): void {
  if (entries === undefined || entries === null) return;
  if (!Array.isArray(entries)) throw new ClusterProbeError('invalid_kubeconfig');
  for (const entry of entries) {
    const inner = isRecord(entry) ? entry[key] : undefined;
    if (inner === undefined || inner === null) continue;
    if (!isRecord(inner)) throw new ClusterProbeError('invalid_kubeconfig');
    for (const field of Object.keys(inner)) if (!allowed.has(field)) throw new ClusterProbeError('kubeconfig_not_allowed', '', `${key}.${field}`);
  }
}

async function probeKubernetes(credentials: string, timeoutMs: number): Promise<ClusterCapacity> {
  const { kubeConfig, server } = kubeConfigFromText(credentials);
  const api = kubeConfig.makeApiClient(CoreV1Api);
  try {
    const nodes = await api.listNode({}, withDeadline(timeoutMs));
    return nodesCapacity(nodes.items);
  } catch (error) {
    if (error instanceof ClusterProbeError) throw new ClusterProbeError(error.reason, server);
    throw new ClusterProbeError(failureOf(error), server);
  }
}

/** Request options that abort the request after `timeoutMs` (the generated client reads the signal off the request). */
function withDeadline(timeoutMs: number): ConfigurationOptions<ObservableMiddleware> {
  const signal = AbortSignal.timeout(timeoutMs);
  const deadline: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [deadline], middlewareMergeStrategy: 'append' };
}

/** Nodes' capacity summed; allocatable only of nodes that are ready and schedulable (what bots can get now). */
export function nodesCapacity(nodes: readonly V1Node[]): ClusterCapacity {
  let capacityMemoryMb = 0;
  let capacityCpuMillis = 0;
  let allocatableMemoryMb = 0;
  let allocatableCpuMillis = 0;
  for (const node of nodes) {
    capacityMemoryMb += memoryMb(node.status?.capacity?.memory);
    capacityCpuMillis += cpuMillis(node.status?.capacity?.cpu);
    const ready = node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
    if (!ready || node.spec?.unschedulable) continue;
    allocatableMemoryMb += memoryMb(node.status?.allocatable?.memory);
    allocatableCpuMillis += cpuMillis(node.status?.allocatable?.cpu);
  }
  return { capacityMemoryMb, capacityCpuMillis, allocatableMemoryMb, allocatableCpuMillis, nodes: nodes.length };
}

/** A memory quantity (`16328060Ki`, `2Gi`, `512M`, `1073741824`) in whole MiB. */
export function memoryMb(quantity: string | undefined): number {
  return Math.floor(scalar(quantity) / MIB);
}

/** A CPU quantity (`4`, `3900m`, `0.5`) in thousandths of a core. */
export function cpuMillis(quantity: string | undefined): number {
  return Math.round(scalar(quantity) * 1000);
}

function scalar(quantity: string | undefined): number {
  if (!quantity) return 0;
  try {
    const value = Number(quantityToScalar(quantity));
    if (Number.isFinite(value) && value >= 0) return value;
  } catch {
    // an unknown suffix: said below
  }
  throw new ClusterProbeError('unexpected_answer');
}

// --- This machine (process runtime) ---

function probeThisMachine(): ClusterCapacity {
  const memory = Math.floor(os.totalmem() / MIB);
  const cpus = os.availableParallelism() * 1000;
  return { capacityMemoryMb: memory, capacityCpuMillis: cpus, allocatableMemoryMb: memory, allocatableCpuMillis: cpus, nodes: 1 };
}

// --- Errors ---

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|EPROTO|ERR_SSL/;

/** Why a connection failed, from the error and its causes (codes only: messages may carry addresses with secrets). */
function failureOf(error: unknown): ProbeFailure {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown; cause?: unknown; type?: unknown };
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.type === 'aborted') return 'timeout';
    const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.code === 'number' ? e.code : undefined;
    if (status === 401) return 'unauthorized';
    if (status === 403) return 'forbidden';
    if (status !== undefined) return 'unexpected_answer';
    const code = typeof e.code === 'string' ? e.code : '';
    if (code === 'ENOENT') return 'socket_not_found';
    if (code === 'EACCES' || code === 'EPERM') return 'permission_denied';
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'connection_refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host_not_found';
    if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || (typeof e.message === 'string' && /timeout/i.test(e.message))) return 'timeout';
    // The kubeconfig's own key or certificate data could not be decoded.
    if (code.startsWith('ERR_OSSL')) return 'invalid_kubeconfig';
    if (TLS_CODES.test(code)) return 'tls';
    current = e.cause;
  }
  return 'unexpected_answer';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
