import { execFile } from 'node:child_process';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { SourceError } from './errors.js';
import { type GuardedHost, guardGitHost, type PrivateGitHosts, type Resolver } from './host-guard.js';

/** A git repository's final address (after redirects, each hop checked), pinned to the addresses that were checked. */
export type GitRemote = {
  readonly guarded: GuardedHost;
  /** The URL git is given: the repository's after redirects. */
  readonly url: string;
  /** Installation token, kept only while the remote stays on the origin it was meant for. */
  readonly token: string | undefined;
};

export type LocateOptions = {
  readonly repoUrl: string;
  readonly privateHosts: PrivateGitHosts;
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  readonly resolve?: Resolver;
};

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const SERVICE = 'info/refs?service=git-upload-pack';

/**
 * Finds where the repository really is, the way git's `http.followRedirects=initial` would, but checking every
 * hop against the SSRF policy and connecting to the checked addresses only. git itself is then run on the final
 * URL with redirects off and the address pinned (`http.curloptResolve`), so neither a redirect nor a second DNS
 * answer (rebinding) can send it elsewhere.
 */
export async function locateRepository(options: LocateOptions): Promise<GitRemote> {
  const first = await guardGitHost(withoutFragment(options.repoUrl), options.privateHosts, options.resolve);
  let guarded = first;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const sameOrigin = guarded.url.origin === first.url.origin;
    const token = sameOrigin ? options.token : undefined;
    const location = await probe(guarded, token, Math.min(options.timeoutMs, 20_000));
    if (location === null) return { guarded, url: guarded.url.href, token };
    const target = new URL(location, serviceUrl(guarded.url));
    if (!target.pathname.endsWith('/info/refs')) {
      throw cloneFailed(`redirect from ${guarded.url.href} to a location that is not a git repository: ${target.href}`);
    }
    target.pathname = target.pathname.slice(0, -'/info/refs'.length);
    target.search = '';
    guarded = await guardGitHost(target, options.privateHosts, options.resolve);
  }
  throw cloneFailed(`more than ${MAX_REDIRECTS} redirects from ${options.repoUrl}`);
}

/** `-c` settings for every git command that talks to the remote. */
export function remoteConfig(remote: GitRemote): string[] {
  const { guarded } = remote;
  const settings = [
    'protocol.allow=never',
    'protocol.https.allow=always',
    ...(guarded.url.protocol === 'http:' ? ['protocol.http.allow=always'] : []),
    'http.followRedirects=false',
    'credential.helper=',
    'core.symlinks=false',
    'core.hooksPath=/dev/null',
    ...(guarded.addresses.length > 0
      ? [`http.curloptResolve=${guarded.host}:${guarded.port}:${guarded.addresses.map((a) => (net.isIPv6(a) ? `[${a}]` : a)).join(',')}`]
      : []),
    ...(remote.token ? [`http.extraHeader=Authorization: Basic ${Buffer.from(`x-access-token:${remote.token}`).toString('base64')}`] : []),
  ];
  return settings.flatMap((setting) => ['-c', setting]);
}

/** Where git and its helpers (git-remote-https) are found: the system's own folders, not the process's PATH. */
const GIT_PATH = '/usr/local/bin:/usr/bin:/bin';

/** The environment git runs in: no user or system config, no prompts, no proxies, no protocol the user names. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: GIT_PATH,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    GIT_PROTOCOL_FROM_USER: '0',
    LC_ALL: 'C',
  };
}

export type GitRun = { readonly stdout: string; readonly stderr: string };

/** Runs git (argument array, no shell); rejects with the child's error (stderr, killed, signal). */
export function runGit(args: readonly string[], options: { cwd?: string; home: string; timeoutMs: number; signal?: AbortSignal; maxBuffer?: number }) {
  return new Promise<GitRun>((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        ...(options.cwd ? { cwd: options.cwd } : {}),
        env: gitEnv(options.home),
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: options.maxBuffer ?? 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr: String(stderr) }));
        else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export function cloneFailed(detail: string): SourceError {
  return new SourceError('clone_failed', 'The repository could not be cloned.', detail);
}

/** GET …/info/refs once, to the checked addresses only; the redirect's Location, or null when it answers otherwise. */
function probe(guarded: GuardedHost, token: string | undefined, timeoutMs: number): Promise<string | null> {
  const url = serviceUrl(guarded.url);
  const addresses = guarded.addresses.map((address): LookupAddress => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
  const lookup: net.LookupFunction = (_host, options, callback) => {
    const [first] = addresses;
    if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    else callback(null, first?.address ?? '', first?.family ?? 4);
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'GET',
        headers: {
          'user-agent': 'git/2 (zapdeploy)',
          ...(token ? { authorization: `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}` } : {}),
        },
        ...(addresses.length > 0 ? { lookup } : {}),
        timeout: timeoutMs,
      },
      (response) => {
        response.destroy();
        const location = response.headers.location;
        resolve(REDIRECTS.has(response.statusCode ?? 0) && location ? location : null);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${guarded.url.host} within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(cloneFailed(`${url.host}: ${error.message}`)));
    request.end();
  });
}

function serviceUrl(base: URL): URL {
  const url = new URL(base.href);
  url.search = '';
  url.hash = '';
  return new URL(`${url.href.endsWith('/') ? url.href : `${url.href}/`}${SERVICE}`);
}

function withoutFragment(raw: string): string {
  const index = raw.indexOf('#');
  return index >= 0 ? raw.slice(0, index) : raw;
}
