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
  /** What the image builder built (a Docker image reference, a directory for the process runtime…). */
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
