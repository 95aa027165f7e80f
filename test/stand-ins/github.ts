import { createVerify, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitServer } from './git-server.js';

export type StandInRepo = { fullName: string; private: boolean; defaultBranch: string; installationId: number | null };
export type StandInInstallation = { id: number; accountIds: number[] };

export type GithubAccount = {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
};

/**
 * A local stand-in for github.com's OAuth web flow and api.github.com's user endpoints, following
 * GitHub's documented contract: GET /login/oauth/authorize redirects back with code and state;
 * POST /login/oauth/access_token exchanges the code (JSON when Accept says so); GET /user and
 * GET /user/emails need `Authorization: Bearer`.
 */
export class GithubStandIn {
  readonly clientId = `Iv1.${randomBytes(8).toString('hex')}`;
  readonly clientSecret = randomBytes(20).toString('hex');
  /** The account that "signs in" at the authorize step. */
  account: GithubAccount = {
    id: 1001,
    login: 'octocat',
    name: 'Mona Lisa',
    email: null,
    emails: [{ email: 'mona@example.com', primary: true, verified: true }],
  };
  readonly tokenRequests: Record<string, string>[] = [];
  /** GitHub App side: repositories, installations, and the App's public key to check its JWTs. */
  readonly repos = new Map<string, StandInRepo>();
  readonly installations = new Map<number, StandInInstallation>();
  readonly installationTokenRequests: { installationId: string; validJwt: boolean }[] = [];
  appId = '';
  appPublicKey = '';
  git: GitServer | undefined;
  private readonly installationTokens = new Map<string, number>();
  private readonly codes = new Map<string, { redirectUri: string; account: GithubAccount }>();
  private readonly tokens = new Map<string, GithubAccount>();
  private server: http.Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private checkAppJwt(token: string): boolean {
    try {
      return verifyJwt(token, this.appPublicKey, this.appId);
    } catch {
      return false;
    }
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    if (request.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      if (url.searchParams.get('client_id') !== this.clientId) return json(response, 400, { error: 'invalid_client' });
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const code = randomBytes(10).toString('hex');
      this.codes.set(code, { redirectUri, account: this.account });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      const state = url.searchParams.get('state');
      if (state) target.searchParams.set('state', state);
      response.writeHead(302, { location: target.toString() }).end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const raw = await readBody(request);
      const params = request.headers['content-type']?.includes('json')
        ? (JSON.parse(raw) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(raw));
      this.tokenRequests.push(params);
      const grant = params.code ? this.codes.get(params.code) : undefined;
      if (params.client_id !== this.clientId || params.client_secret !== this.clientSecret)
        return json(response, 200, { error: 'incorrect_client_credentials' });
      if (!grant || (params.redirect_uri && params.redirect_uri !== grant.redirectUri)) return json(response, 200, { error: 'bad_verification_code' });
      if (params.code) this.codes.delete(params.code);
      const token = `gho_${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, grant.account);
      return json(response, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    if (request.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(url.pathname)) {
      const installationId = url.pathname.split('/')[3] ?? '';
      const validJwt = this.checkAppJwt((request.headers.authorization ?? '').replace(/^Bearer\s+/i, ''));
      this.installationTokenRequests.push({ installationId, validJwt });
      if (!validJwt) return json(response, 401, { message: 'A JSON web token could not be decoded' });
      if (!this.installations.has(Number(installationId))) return json(response, 404, { message: 'Not Found' });
      const token = `ghs_${randomBytes(16).toString('hex')}`;
      this.installationTokens.set(token, Number(installationId));
      return json(response, 201, { token, expires_at: new Date(Date.now() + 3600_000).toISOString() });
    }
    const repoPath = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack))$/.exec(url.pathname);
    if (repoPath && this.git) {
      const repo = this.repos.get(`${repoPath[1]}/${repoPath[2]}`.toLowerCase());
      if (!repo) return json(response, 404, { message: 'Not Found' });
      if (repo.private) {
        const basic = Buffer.from((request.headers.authorization ?? '').replace(/^Basic\s+/i, ''), 'base64').toString();
        const installation = this.installationTokens.get(basic.split(':')[1] ?? '');
        if (installation === undefined || installation !== repo.installationId) {
          response.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"' }).end();
          return;
        }
      }
      this.git.serve(request, response, `/${repo.fullName}.git${repoPath[3]}`);
      return;
    }
    if (request.method === 'GET' && /^\/repos\/[^/]+\/[^/]+$/.test(url.pathname)) {
      const [, , owner, name] = url.pathname.split('/');
      const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
      if (!repo || repo.private) return json(response, 404, { message: 'Not Found' });
      return json(response, 200, { full_name: repo.fullName, private: false, default_branch: repo.defaultBranch });
    }
    const account = this.tokens.get((request.headers.authorization ?? '').replace(/^(Bearer|token)\s+/i, ''));
    if (request.method === 'GET' && url.pathname === '/user/installations') {
      if (!account) return json(response, 401, { message: 'Bad credentials' });
      const mine = [...this.installations.values()].filter((i) => i.accountIds.includes(account.id));
      return json(response, 200, { total_count: mine.length, installations: mine.map((i) => ({ id: i.id })) });
    }
    const installationRepos = /^\/user\/installations\/(\d+)\/repositories$/.exec(url.pathname);
    if (request.method === 'GET' && installationRepos) {
      const installation = this.installations.get(Number(installationRepos[1]));
      if (!account || !installation?.accountIds.includes(account.id)) return json(response, 404, { message: 'Not Found' });
      const repositories = [...this.repos.values()]
        .filter((r) => r.installationId === installation.id)
        .map((r) => ({ full_name: r.fullName, html_url: `${this.url}/${r.fullName}`, private: r.private, default_branch: r.defaultBranch }));
      return json(response, 200, { total_count: repositories.length, repositories });
    }
    if (request.method === 'GET' && url.pathname === '/user') {
      if (!account) return json(response, 401, { message: 'Bad credentials' });
      return json(response, 200, {
        id: account.id,
        login: account.login,
        name: account.name,
        email: account.email,
        avatar_url: `https://avatars.example/${account.id}`,
      });
    }
    if (request.method === 'GET' && url.pathname === '/user/emails') {
      if (!account) return json(response, 401, { message: 'Bad credentials' });
      return json(
        response,
        200,
        account.emails.map((e) => ({ ...e, visibility: e.primary ? 'public' : null })),
      );
    }
    json(response, 404, { message: 'Not Found' });
  }
}

/** Checks an App JWT the way GitHub does: RS256 by the App's key, issued by the App, not expired. */
function verifyJwt(token: string, publicKey: string, appId: string): boolean {
  const [header = '', payload = '', signature = ''] = token.split('.');
  if (!publicKey || !signature) return false;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; exp?: number; iat?: number };
  const now = Date.now() / 1000;
  return claims.iss === appId && (claims.exp ?? 0) > now && (claims.exp ?? 0) - (claims.iat ?? 0) <= 600;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
