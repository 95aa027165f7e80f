import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cloneRepository, SourceError } from '@zapdeploy/builder';
import { fixtures } from '@zapdeploy/test-support/stand-ins/fixture-repos';
import { GitServer } from '@zapdeploy/test-support/stand-ins/git-server';
import { Redirector } from '@zapdeploy/test-support/stand-ins/redirector';
import { freePort } from '@zapdeploy/test-support/support/free-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySize } from '../src/clone.js';

let git: GitServer;
let work: string;
let count = 0;

beforeAll(async () => {
  git = await new GitServer().start();
  work = await mkdtemp(path.join(tmpdir(), 'zapdeploy-clone-'));
});
afterAll(async () => {
  await git?.stop();
  await rm(work, { recursive: true, force: true });
});

const gitPort = () => Number(new URL(git.url).port);
const dir = () => path.join(work, `c${++count}`);
const base = { branch: null, timeoutMs: 30_000, maxBytes: 50 * 1024 * 1024 };

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('clone: where git may connect', () => {
  it('connects to the address it checked, never resolving the name again (DNS rebinding)', async () => {
    const repo = await git.commit(`pinned-${Date.now()}`, fixtures.nodeBot);
    // No DNS server knows this name: git can only reach the stand-in through the pinned address.
    const url = repo.replace('127.0.0.1', 'git.zapdeploy.test');
    const resolved: string[] = [];
    const target = dir();
    const result = await cloneRepository({
      ...base,
      repoUrl: url,
      dir: target,
      allowPrivateHosts: [`git.zapdeploy.test:${gitPort()}`],
      resolve: async (host) => {
        resolved.push(host);
        return ['127.0.0.1'];
      },
    });
    expect(result.commitSha).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(path.join(target, 'package.json'))).toBe(true);
    expect(resolved).toEqual(['git.zapdeploy.test']);
  });

  it('refuses a redirect to a private address, before git or anything else connects to it', async () => {
    const repo = await git.commit(`moved-${Date.now()}`, fixtures.nodeBot);
    const redirector = await new Redirector(() => git.url).start();
    try {
      const before = git.requests;
      const moved = `${redirector.url}${new URL(repo).pathname}`;
      // Only the redirector is an allowed private host (as a public host would be on a real install).
      const refused = await failure(cloneRepository({ ...base, repoUrl: moved, dir: dir(), allowPrivateHosts: [`127.0.0.1:${redirector.port}`] }));
      expect(refused.code).toBe('repo_host_not_allowed');
      expect(redirector.requests).toBe(1);
      expect(git.requests).toBe(before);
      // The same redirect to an allowed host is followed (each hop is checked, not refused outright).
      const target = dir();
      await cloneRepository({ ...base, repoUrl: moved, dir: target, allowPrivateHosts: [`127.0.0.1:${redirector.port}`, `127.0.0.1:${gitPort()}`] });
      expect(existsSync(path.join(target, 'index.js'))).toBe(true);
    } finally {
      await redirector.stop();
    }
  });

  it('refuses [::ffff:127.0.0.1] and other spellings of this machine', async () => {
    const repo = new URL(await git.commit(`spelled-${Date.now()}`, fixtures.nodeBot));
    for (const host of ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '127.1', '2130706433', '0x7f000001', 'localhost']) {
      const url = `https://${host}:${repo.port}${repo.pathname}`;
      const refused = await failure(cloneRepository({ ...base, repoUrl: url, dir: dir(), allowPrivateHosts: false }));
      expect(refused.code).toBe('repo_host_not_allowed');
    }
  });

  it('says only "could not clone" for network failures, whatever happened (no port scanner)', async () => {
    const closed = await freePort();
    const web = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const open = (web.address() as AddressInfo).port;
    try {
      const allow = true;
      const refused = await failure(cloneRepository({ ...base, repoUrl: `http://127.0.0.1:${closed}/x.git`, dir: dir(), allowPrivateHosts: allow }));
      const notGit = await failure(cloneRepository({ ...base, repoUrl: `http://127.0.0.1:${open}/x.git`, dir: dir(), allowPrivateHosts: allow }));
      expect({ code: refused.code, hint: refused.hint }).toEqual({ code: 'clone_failed', hint: 'The repository could not be cloned.' });
      expect({ code: notGit.code, hint: notGit.hint }).toEqual({ code: 'clone_failed', hint: 'The repository could not be cloned.' });
      // The operator's log still has what happened.
      expect(refused.detail).toMatch(/ECONNREFUSED|refused/i);
      expect(notGit.detail).toBeTruthy();
    } finally {
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }
  });
});

describe('clone: size', () => {
  it('refuses a repository whose files expand past the limit before checking anything out', async () => {
    // 20 MB of zeros packs into a few kilobytes.
    const repo = await git.commit(`zeros-${Date.now()}`, { 'zeros.bin': '\0'.repeat(20 * 1024 * 1024), 'index.js': '' });
    const target = dir();
    const maxBytes = 5 * 1024 * 1024;
    const refused = await failure(cloneRepository({ ...base, maxBytes, repoUrl: repo, dir: target, allowPrivateHosts: true }));
    expect(refused.code).toBe('repo_too_large');
    expect(existsSync(path.join(target, 'zeros.bin'))).toBe(false);
    expect(await directorySize(target)).toBeLessThan(maxBytes);
  });

  it('stops fetching objects past the limit', async () => {
    const noise = randomBytes(3 * 1024 * 1024).toString('base64'); // does not compress
    const repo = await git.commit(`noise-${Date.now()}`, { 'noise.txt': noise });
    const target = dir();
    const refused = await failure(cloneRepository({ ...base, maxBytes: 1024 * 1024, repoUrl: repo, dir: target, allowPrivateHosts: true }));
    expect(refused.code).toBe('repo_too_large');
    expect(existsSync(path.join(target, 'noise.txt'))).toBe(false);
  });

  it('clones without a working tree when asked (inspection)', async () => {
    const repo = await git.commit(`bare-${Date.now()}`, fixtures.nodeBot);
    const target = dir();
    await cloneRepository({ ...base, repoUrl: repo, dir: target, allowPrivateHosts: true, checkout: false });
    expect(existsSync(path.join(target, '.git'))).toBe(true);
    expect(existsSync(path.join(target, 'package.json'))).toBe(false);
  });
});
