import type { Readable } from 'node:stream';
import type { Observation } from '@zapdeploy/domain';

export type ResourceLimits = {
  readonly cpuMillis: number;
  readonly memoryMb: number;
  readonly diskMb: number;
};

/** Everything needed to run one deployment of one instance. */
export type InstanceSpec = {
  readonly instanceId: string;
  readonly deploymentId: string;
  /** What was built (a Docker image reference, or a directory for ProcessRuntime). */
  readonly artifact: string;
  readonly env: Readonly<Record<string, string>>;
  readonly limits: ResourceLimits;
  /** Changes whenever the container must be recreated although the deployment is the same (env, restart request). */
  readonly revision: string;
};

/** What the runtime reports of an instance: the domain's Observation plus details for people. */
export type ObservedState = Observation & {
  readonly restartCount: number;
  readonly limits: ResourceLimits | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
};

export const ABSENT: ObservedState = {
  exists: false,
  running: false,
  restarting: false,
  deploymentId: null,
  revision: null,
  exitCode: null,
  oomKilled: false,
  restartCount: 0,
  limits: null,
  startedAt: null,
  finishedAt: null,
  error: null,
};

export type OutputLine = { readonly ts: string; readonly stream: 'stdout' | 'stderr'; readonly line: string };

export type BuildRequest = {
  readonly instanceId: string;
  readonly deploymentId: string;
  /** Directory holding the source and a Dockerfile (the builder writes one when the repo has none). */
  readonly contextDir: string;
  readonly dockerfile: string;
  /** Images the Dockerfile builds on (checked by the builder's Dockerfile policy); the runtime vets them before building. */
  readonly baseImages: readonly string[];
  /** Commands for runtimes that do not build images (ProcessRuntime); absent for repositories with their own Dockerfile. */
  readonly commands: { readonly install: string; readonly build: string | null; readonly start: string } | null;
  readonly onLine: (line: string) => void;
  readonly signal: AbortSignal;
};

/**
 * Where bots run. One container (or process) per instance at most: `replace` stops the old one
 * before starting the new one.
 */
export interface Runtime {
  readonly kind: 'docker' | 'process';
  /** Checks the runtime answers and its isolation is in place. */
  ping(): Promise<void>;
  build(request: BuildRequest): Promise<{ artifact: string }>;
  /** Stop-then-start: never two copies of one instance. */
  replace(spec: InstanceSpec): Promise<void>;
  start(instanceId: string): Promise<void>;
  stop(instanceId: string): Promise<void>;
  restart(instanceId: string): Promise<void>;
  /** Applies new limits in place; false when the runtime must recreate the container instead. */
  updateLimits(instanceId: string, limits: ResourceLimits): Promise<boolean>;
  observe(instanceId: string): Promise<ObservedState>;
  /** Removes the container/process and, unless kept, the instance's data volume. */
  remove(instanceId: string, options: { readonly keepData: boolean }): Promise<void>;
  /** Follows the output of the instance from `since` (ISO time); ends when the container stops or `signal` aborts. */
  follow(instanceId: string, since: string | null, onLine: (line: OutputLine) => void, signal: AbortSignal): Promise<void>;
  /** Instance ids the runtime currently holds (for orphan clean-up and resync). */
  list(): Promise<string[]>;
  /** Deletes the WhatsApp session folders kept on the instance's volume (the bot must be stopped). */
  clearSessions(instanceId: string): Promise<void>;
  /**
   * Hands `consume` the WhatsApp session folders on the instance's volume as a tar stream of `sessions/…` (read while
   * it runs) and returns what it returns; undefined when there are none.
   */
  exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined>;
  /** Replaces the session folders with a checked archive (a tar stream of normalizeSessionArchive's output); the bot must be stopped. */
  importSessions(instanceId: string, tar: Readable): Promise<void>;
  /** A small file from the bot's app directory (e.g. BuilderBot's bot.qr.png); undefined when absent or too big. */
  readFile(instanceId: string, name: string, maxBytes: number): Promise<Buffer | undefined>;
  /** Removes the instance's build artifacts except `keep` (the live one and the one before it). */
  pruneArtifacts(instanceId: string, keep: readonly string[]): Promise<void>;
  /** Bytes each instance uses on disk (writable layer or app directory, plus its data volume). */
  diskUsage(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/** A build that cannot succeed as asked; `code` is the reason code users see translated (`build_failed`, `dockerfile_not_allowed`…). */
export class BuildFailedError extends Error {
  constructor(
    readonly reason: string,
    readonly code: string = 'build_failed',
  ) {
    super(`${code}: ${reason}`);
    this.name = 'BuildFailedError';
  }
}
