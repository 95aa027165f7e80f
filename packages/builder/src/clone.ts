import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SourceError } from './errors.js';
import { assertPublicGitHost } from './host-guard.js';

const run = promisify(execFile);

export type CloneRequest = {
  readonly repoUrl: string;
  readonly branch: string | null;
  readonly dir: string;
  readonly allowPrivateHosts: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Installation token for private GitHub repositories (sent as HTTP basic auth, never logged). */
  readonly token?: string;
};

export type CloneResult = { readonly commitSha: string; readonly branch: string };

/** Shallow clone of one branch with the git CLI (argument arrays, no shell), limited in time and size. */
export async function cloneRepository(request: CloneRequest): Promise<CloneResult> {
  await assertPublicGitHost(request.repoUrl, request.allowPrivateHosts);
  const args = [
    '-c',
    'protocol.allow=never',
    '-c',
    'protocol.https.allow=always',
    '-c',
    'protocol.http.allow=always',
    '-c',
    'core.symlinks=false',
    ...(request.token ? ['-c', `http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${request.token}`).toString('base64')}`] : []),
    'clone',
    '--depth',
    '1',
    '--single-branch',
    '--no-tags',
    '--quiet',
    ...(request.branch ? ['--branch', request.branch] : []),
    '--',
    request.repoUrl,
    request.dir,
  ];
  try {
    await run('git', args, {
      timeout: request.timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 1024 * 1024,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', GIT_CONFIG_NOSYSTEM: '1', HOME: request.dir },
    });
  } catch (error) {
    throw cloneFailure(error as { stderr?: string; killed?: boolean; signal?: string }, request);
  }
  const size = await directorySize(request.dir);
  if (size > request.maxBytes) {
    throw new SourceError(
      'repo_too_large',
      `The repository is ${Math.round(size / 1024 / 1024)} MB; the limit is ${Math.round(request.maxBytes / 1024 / 1024)} MB.`,
    );
  }
  const [{ stdout: sha }, { stdout: branch }] = await Promise.all([
    run('git', ['-C', request.dir, 'rev-parse', 'HEAD']),
    run('git', ['-C', request.dir, 'rev-parse', '--abbrev-ref', 'HEAD']),
  ]);
  return { commitSha: sha.trim(), branch: branch.trim() };
}

function cloneFailure(error: { stderr?: string; killed?: boolean; signal?: string }, request: CloneRequest): SourceError {
  const stderr = (error.stderr ?? '').replace(/Authorization: Basic \S+/g, 'Authorization: ***');
  if (error.killed || error.signal === 'SIGKILL')
    return new SourceError('clone_timeout', `Cloning took longer than ${Math.round(request.timeoutMs / 1000)} s.`);
  if (/Remote branch .* not found/i.test(stderr))
    return new SourceError('branch_not_found', `The branch "${request.branch}" does not exist in the repository.`);
  if (/could not read Username|Authentication failed|terminal prompts disabled|403/i.test(stderr)) {
    return new SourceError('repo_private', 'The repository is private or does not exist. Connect GitHub to deploy private repositories.');
  }
  if (/not found|404|does not appear to be a git repository/i.test(stderr)) return new SourceError('repo_not_found', 'No git repository at this URL.');
  return new SourceError('clone_failed', `git clone failed: ${stderr.trim().split('\n').at(-1) ?? 'unknown error'}`);
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() ?? dir;
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else total += (await lstat(full)).size;
    }
  }
  return total;
}
