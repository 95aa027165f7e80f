import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BACKEND = '/usr/lib/git-core/git-http-backend';

/**
 * A local git host speaking git's smart HTTP protocol (git-http-backend as CGI), serving fixture
 * repositories made by the tests. Pushing a new commit is done with `commit()`.
 */
export class GitServer {
  private server: http.Server | undefined;
  private root = '';
  url = '';
  /** Requests answered so far (a refused redirect must not reach this server). */
  requests = 0;

  async start(): Promise<this> {
    this.root = await mkdtemp(path.join(tmpdir(), 'zapdeploy-git-'));
    this.server = http.createServer((request, response) => this.serve(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    await rm(this.root, { recursive: true, force: true });
  }

  /** Creates (or adds a commit to) repository `name` with these files on `branch`; returns its clone URL. */
  async commit(name: string, files: Record<string, string>, branch = 'main'): Promise<string> {
    const work = path.join(this.root, 'work', name);
    const bare = path.join(this.root, `${name}.git`);
    await mkdir(work, { recursive: true });
    const git = (...args: string[]) =>
      run('git', args, {
        cwd: work,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Fixture',
          GIT_AUTHOR_EMAIL: 'f@example.com',
          GIT_COMMITTER_NAME: 'Fixture',
          GIT_COMMITTER_EMAIL: 'f@example.com',
        },
      });
    await git('init', '-q', '-b', branch).catch(() => undefined);
    await git('checkout', '-q', '-B', branch);
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), content);
    }
    await git('add', '-A');
    await git('commit', '-q', '--allow-empty', '-m', `update ${Object.keys(files).join(', ')}`);
    await run('git', ['init', '-q', '--bare', bare]).catch(() => undefined);
    await git('push', '-q', '--force', bare, `${branch}:${branch}`);
    await run('git', ['--git-dir', bare, 'symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    return `${this.url}/${name}.git`;
  }

  /** Answers a git smart-HTTP request; `pathInfo` overrides the request path (for hosts that map URLs). */
  serve(request: http.IncomingMessage, response: http.ServerResponse, pathInfo?: string): void {
    this.requests += 1;
    const url = new URL(request.url ?? '/', this.url);
    const child = spawn(BACKEND, [], {
      env: {
        GIT_PROJECT_ROOT: this.root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: pathInfo ?? decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: request.method ?? 'GET',
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        REMOTE_ADDR: '127.0.0.1',
        HTTP_GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
      },
    });
    request.pipe(child.stdin);
    let headerDone = false;
    let buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        response.write(chunk);
        return;
      }
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      headerDone = true;
      let status = 200;
      for (const line of buffer.subarray(0, end).toString().split('\r\n')) {
        const index = line.indexOf(':');
        const name = line.slice(0, index).trim();
        const value = line.slice(index + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else response.setHeader(name, value);
      }
      response.writeHead(status);
      response.write(buffer.subarray(end + 4));
    });
    child.on('close', () => response.end());
    child.on('error', () => response.writeHead(500).end());
  }
}
