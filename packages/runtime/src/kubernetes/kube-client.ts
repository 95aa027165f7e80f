import { PassThrough, type Readable, Writable } from 'node:stream';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  Exec,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  setHeaderOptions,
  type V1Status,
} from '@kubernetes/client-node';

export const FIELD_MANAGER = 'zapdeploy-worker';

/**
 * How long one API request (not a watch, log stream or exec: those have their own ends) may take. A cluster that
 * stops answering must fail the operation, which the reconciler retries, rather than hold the instance forever.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How long a command run in a container may take unless the caller says otherwise. */
export const EXEC_TIMEOUT_MS = 120_000;

/** The API clients' configuration: the kubeconfig's current cluster and credentials, each request time-limited. */
function configurationOf(config: KubeConfig) {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('kubernetes: the kubeconfig names no current cluster');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: config },
    promiseMiddleware: [
      {
        pre: async (context: RequestContext) => {
          context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
          return context;
        },
        post: async (response: ResponseContext) => response,
      },
    ],
  });
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

/** What the API server said, without the request (no credentials): for logs and BuildFailed-style messages. */
export function describeKubeError(error: unknown): string {
  if (error instanceof ApiException) {
    const body = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message = (body as { message?: string } | undefined)?.message;
    return `HTTP ${error.code}${message ? `: ${message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 300) };
  }
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** One cluster's API clients, from its own KubeConfig (never a shared, switched context). */
export class KubeClient {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly objects: KubernetesObjectApi;
  private readonly exec: Exec;

  constructor(readonly config: KubeConfig) {
    const configuration = configurationOf(config);
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.objects = new KubernetesObjectApi(configuration);
    this.exec = new Exec(config);
  }

  static fromString(kubeconfig: string): KubeClient {
    const config = new KubeConfig();
    config.loadFromString(kubeconfig);
    return new KubeClient(config);
  }

  /** Server-side apply: creates or updates the fields the worker owns, idempotently. */
  async apply<T extends KubernetesObject>(object: T): Promise<T> {
    return this.objects.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }

  /** Creates the object unless it exists (read first: a full quota refuses a create before it sees a duplicate). */
  async createIfAbsent<T extends KubernetesObject>(object: T): Promise<void> {
    if ((await this.orNull(() => this.objects.read(object as Parameters<KubernetesObjectApi['read']>[0]))) !== null) return;
    try {
      await this.objects.create(object, undefined, undefined, FIELD_MANAGER);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  async orNull<T>(read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async ignoreMissing(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async scale(namespace: string, name: string, replicas: number): Promise<void> {
    await this.apps.patchNamespacedStatefulSetScale(
      { name, namespace, body: { spec: { replicas } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** Resolves once the pod object is gone (its containers stopped), or rejects after `timeoutMs`. */
  async waitPodGone(namespace: string, name: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.orNull(() => this.core.readNamespacedPod({ name, namespace }))) !== null) {
      if (Date.now() > deadline) throw new Error(`pod ${namespace}/${name} still exists after ${Math.round(timeoutMs / 1000)} s`);
      await sleep(250);
    }
  }

  /**
   * Runs `command` in a container; stdout goes to `stdout` (a stream the caller reads), stdin comes from `stdin`.
   * Resolves with the exit status once the command ends; rejects when it has not ended after `timeoutMs` (the
   * connection is closed: a kubelet that stops answering must not hold the operation forever).
   */
  async run(
    namespace: string,
    pod: string,
    container: string,
    command: string[],
    io: { stdout?: Writable; stdin?: Readable; timeoutMs?: number } = {},
  ): Promise<{ ok: boolean; message: string; stderr: string }> {
    const stderrChunks: Buffer[] = [];
    const stderr = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (stderrChunks.reduce((n, c) => n + c.length, 0) < 4096) stderrChunks.push(chunk);
        callback();
      },
    });
    const stdout = io.stdout ?? new PassThrough().resume();
    const timeoutMs = io.timeoutMs ?? EXEC_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      let status: V1Status | undefined;
      let settled = false;
      let socket: { close(): void } | undefined;
      const timer = setTimeout(() => {
        settle(new Error(`exec in ${namespace}/${pod} (${command[0]}) did not end within ${Math.round(timeoutMs / 1000)} s`));
        socket?.close();
      }, timeoutMs);
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) return reject(error);
        const text = Buffer.concat(stderrChunks).toString('utf8');
        resolve({ ok: status?.status === 'Success', message: status?.message ?? 'connection closed', stderr: text });
      };
      // The status arrives just before the socket closes; everything written to stdout has arrived by then.
      this.exec
        .exec(namespace, pod, container, command, stdout, stderr, io.stdin ?? null, false, (value) => {
          status = value;
        })
        .then((opened) => {
          socket = opened;
          if (settled) opened.close();
          opened.on('close', () => settle());
          opened.on('error', (error: Error) => settle(error));
        })
        .catch((error: unknown) => settle(error instanceof Error ? error : new Error(String(error))));
    });
  }
}
