import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type Detection, inspectSource, type PrivateGitHosts, remoteCommit } from '@zapdeploy/builder';
import pLimit from 'p-limit';
import { HttpProblem } from '../http/http-problem.js';

export type InspectorSettings = {
  readonly dataDir: string;
  readonly privateHosts: PrivateGitHosts;
  /** Inspections this API process runs at once (each is a shallow clone without a working tree). */
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** How long a result is reused for the same repository, branch, folder and commit. */
  readonly cacheMs: number;
  readonly log: (line: string) => void;
};

export type Inspection = { readonly branch: string; readonly detection: Detection };
export type InspectQuery = { readonly repoUrl: string; readonly branch: string | null; readonly rootDir: string };

const MAX_CACHED = 500;
/** Per user: one running and one waiting (the form asks again when the folder or branch changes); more is refused. */
const PER_USER = 2;

/**
 * Repository inspection, bounded for the API process: a clone without a working tree (size-watched, time-limited),
 * `concurrency` at a time for the whole process with a short queue, one at a time per user (one more may wait), and results kept for
 * `cacheMs` per (repository, branch, folder, commit), the commit read with one `git ls-remote`. Beyond that it
 * answers 429 `inspect_busy` rather than queueing clones without end.
 */
export class RepoInspector {
  private readonly slots: ReturnType<typeof pLimit>;
  private readonly users = new Map<string, ReturnType<typeof pLimit>>();
  private readonly cache = new Map<string, { readonly at: number; readonly result: Inspection }>();

  constructor(
    private readonly settings: InspectorSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.slots = pLimit(settings.concurrency);
  }

  async inspect(userId: string, query: InspectQuery): Promise<Inspection> {
    const mine = this.users.get(userId) ?? pLimit(1);
    if (mine.activeCount + mine.pendingCount >= PER_USER || this.slots.pendingCount >= this.settings.concurrency * 2) {
      throw new HttpProblem(429, 'inspect_busy', {}, undefined, { 'retry-after': '5' });
    }
    this.users.set(userId, mine);
    try {
      return await mine(() => this.slots(() => this.run(query)));
    } finally {
      if (mine.activeCount + mine.pendingCount === 0) this.users.delete(userId);
    }
  }

  private async run(query: InspectQuery): Promise<Inspection> {
    const { settings } = this;
    const common = { repoUrl: query.repoUrl, branch: query.branch, allowPrivateHosts: settings.privateHosts, timeoutMs: settings.timeoutMs };
    const commit = await this.logged(remoteCommit(common));
    const key = JSON.stringify([query.repoUrl, query.branch, query.rootDir, commit]);
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < settings.cacheMs) return cached.result;
    const { branch, detection } = await this.logged(
      inspectSource({
        ...common,
        rootDir: query.rootDir,
        workDir: path.resolve(settings.dataDir, 'inspect', randomBytes(8).toString('hex')),
        maxBytes: settings.maxBytes,
      }),
    );
    const result = { branch, detection };
    this.remember(key, result);
    return result;
  }

  private remember(key: string, result: Inspection): void {
    const now = this.now();
    for (const [old, entry] of this.cache) if (now - entry.at >= this.settings.cacheMs) this.cache.delete(old);
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, { at: now, result });
  }

  /** What went wrong in detail goes to the operator's log; the user gets the error's code. */
  private async logged<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      const detail = (error as { detail?: string; code?: string }).detail;
      if (detail) this.settings.log(`repository inspection: ${(error as { code?: string }).code}: ${detail}`);
      throw error;
    }
  }
}
