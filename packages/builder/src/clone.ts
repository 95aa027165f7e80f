import { lstat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SourceError } from './errors.js';
import { cloneFailed, type GitRemote, locateRepository, remoteConfig, runGit } from './git-remote.js';
import type { PrivateGitHosts, Resolver } from './host-guard.js';

export type CloneRequest = {
  readonly repoUrl: string;
  readonly branch: string | null;
  readonly dir: string;
  readonly allowPrivateHosts: PrivateGitHosts;
  readonly timeoutMs: number;
  /** The clone's whole size on disk (git objects + checked-out files); checked before anything is checked out. */
  readonly maxBytes: number;
  /** Installation token for private GitHub repositories (sent as HTTP basic auth, never logged). */
  readonly token?: string;
  /** false: only the git objects (HEAD readable with `git show`), no working tree. Default true. */
  readonly checkout?: boolean;
  /** Name resolution (tests); the system resolver by default. */
  readonly resolve?: Resolver;
};

export type CloneResult = { readonly commitSha: string; readonly branch: string };

const WATCH_MS = 200;

/**
 * Shallow clone of one branch with the git CLI (argument arrays, no shell), limited in time and size:
 * the host is checked (each redirect too) and pinned, objects are fetched without a checkout while the
 * folder's size is watched, and the files are checked out only when their total size fits.
 */
export async function cloneRepository(request: CloneRequest): Promise<CloneResult> {
  const deadline = Date.now() + request.timeoutMs;
  const remote = await locate(request);
  await fetchObjects(remote, request, deadline);
  const git = (args: string[], maxBuffer?: number) =>
    runGit(['-c', 'core.symlinks=false', '-C', request.dir, ...args], {
      home: request.dir,
      timeoutMs: Math.max(1000, deadline - Date.now()),
      ...(maxBuffer ? { maxBuffer } : {}),
    }).catch((error: { stderr?: string; killed?: boolean }) => {
      throw error.killed ? timeout(request) : cloneFailed(`git ${args[0]}: ${error.stderr ?? String(error)}`);
    });
  const [{ stdout: sha }, { stdout: branch }] = await Promise.all([git(['rev-parse', 'HEAD']), git(['rev-parse', '--abbrev-ref', 'HEAD'])]);
  if (request.checkout !== false) {
    // The objects are on disk, compressed; the files they expand to are counted before any is written.
    const objects = await directorySize(request.dir);
    const files = treeSize((await git(['ls-tree', '-r', '-l', '-z', 'HEAD'], 64 * 1024 * 1024)).stdout);
    if (objects + files > request.maxBytes) throw tooLarge(objects + files, request.maxBytes);
    await git(['checkout', '-q', '--force', 'HEAD']);
  }
  return { commitSha: sha.trim(), branch: branch.trim() };
}

export type RemoteRequest = Pick<CloneRequest, 'repoUrl' | 'branch' | 'allowPrivateHosts' | 'timeoutMs' | 'token' | 'resolve'>;

/** The repository's final, checked address (redirects followed and re-checked), with the same guards for every use. */
function locate(request: RemoteRequest) {
  return locateRepository({
    repoUrl: request.repoUrl,
    privateHosts: request.allowPrivateHosts,
    token: request.token,
    timeoutMs: request.timeoutMs,
    ...(request.resolve ? { resolve: request.resolve } : {}),
  });
}

/** The commit the branch (or the default branch) points at, with one `git ls-remote` and the same guards as a clone. */
export async function remoteCommit(request: RemoteRequest): Promise<string> {
  const deadline = Date.now() + request.timeoutMs;
  const remote = await locate(request);
  const ref = request.branch ? `refs/heads/${request.branch}` : 'HEAD';
  let stdout: string;
  try {
    ({ stdout } = await runGit([...remoteConfig(remote), 'ls-remote', '--', remote.url, ref], {
      home: tmpdir(),
      timeoutMs: Math.max(1000, deadline - Date.now()),
    }));
  } catch (error) {
    throw cloneFailure(error as { stderr?: string; killed?: boolean; signal?: string }, { ...request, dir: '', maxBytes: 0 });
  }
  const sha = /^([0-9a-f]{40,64})\t/m.exec(stdout)?.[1];
  if (sha) return sha;
  if (request.branch) throw new SourceError('branch_not_found', `The branch "${request.branch}" does not exist in the repository.`);
  throw new SourceError('repo_not_found', 'No git repository at this URL.');
}

/** `git clone --no-checkout`, killed as soon as the folder grows past the limit or the time is up. */
async function fetchObjects(remote: GitRemote, request: CloneRequest, deadline: number): Promise<void> {
  const args = [
    ...remoteConfig(remote),
    'clone',
    '--no-checkout',
    '--depth',
    '1',
    '--single-branch',
    '--no-tags',
    '--quiet',
    ...(request.branch ? ['--branch', request.branch] : []),
    '--',
    remote.url,
    request.dir,
  ];
  const controller = new AbortController();
  let overBy: number | null = null;
  const watch = setInterval(() => {
    void directorySize(request.dir)
      .then((size) => {
        if (size > request.maxBytes && overBy === null) {
          overBy = size;
          controller.abort();
        }
      })
      .catch(() => undefined); // the folder is not there yet
  }, WATCH_MS);
  try {
    await runGit(args, { home: request.dir, timeoutMs: Math.max(1000, deadline - Date.now()), signal: controller.signal });
  } catch (error) {
    if (overBy !== null) throw tooLarge(overBy, request.maxBytes);
    throw cloneFailure(error as { stderr?: string; killed?: boolean; signal?: string }, request);
  } finally {
    clearInterval(watch);
  }
}

/**
 * What the user is told. Answers of a git server (branch missing, authentication asked, no repository) keep their
 * meaning; network failures (refused, reset, TLS, not a git server) all read "could not clone", with the detail
 * in the operator's log only: otherwise clone errors would tell anyone which ports answer where.
 */
function cloneFailure(error: { stderr?: string; killed?: boolean; signal?: string }, request: CloneRequest): SourceError {
  const stderr = (error.stderr ?? '').replace(/Authorization: Basic \S+/g, 'Authorization: ***').trim();
  if (error.killed || error.signal === 'SIGKILL') return timeout(request);
  if (/Remote branch .* not found/i.test(stderr))
    return new SourceError('branch_not_found', `The branch "${request.branch}" does not exist in the repository.`, stderr);
  if (/could not read Username|Authentication failed|terminal prompts disabled|returned error: 40[13]/i.test(stderr)) {
    return new SourceError('repo_private', 'The repository is private or does not exist. Connect GitHub to deploy private repositories.', stderr);
  }
  if (/returned error: 404|repository '.*' not found/i.test(stderr)) return new SourceError('repo_not_found', 'No git repository at this URL.', stderr);
  return cloneFailed(stderr || String(error));
}

function timeout(request: CloneRequest): SourceError {
  return new SourceError('clone_timeout', `Cloning took longer than ${Math.round(request.timeoutMs / 1000)} s.`);
}

function tooLarge(size: number, maxBytes: number): SourceError {
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  return new SourceError('repo_too_large', `The repository needs at least ${mb(size)} MB; the limit is ${mb(maxBytes)} MB.`);
}

/** Sum of the blob sizes in `git ls-tree -r -l -z` output (submodule entries have no size). */
export function treeSize(listing: string): number {
  let total = 0;
  for (const entry of listing.split('\0')) {
    const size = /^\d+ blob [0-9a-f]+\s+(\d+)\t/.exec(entry)?.[1];
    if (size) total += Number(size);
  }
  return total;
}

export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() ?? dir;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if (current === dir) throw error;
      continue; // removed while we looked (git renames its temporary files)
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else
        total += await lstat(full).then(
          (s) => s.size,
          () => 0,
        );
    }
  }
  return total;
}
