import { appJwt } from './app-jwt.js';

export type GithubRepo = {
  readonly fullName: string;
  readonly htmlUrl: string;
  readonly private: boolean;
  readonly defaultBranch: string;
  readonly installationId: string;
};

export type GithubAppSettings = { readonly appId: string; readonly privateKey: string };

export class GithubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GithubApiError';
  }
}

/** The parts of GitHub's REST API Zapdeploy uses, against GITHUB_API_URL (github.com, Enterprise, or a stand-in). */
export class GithubClient {
  constructor(
    private readonly apiUrl: string,
    private readonly app: GithubAppSettings | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get appConfigured(): boolean {
    return this.app !== undefined;
  }

  /** Repositories of the GitHub App's installations that this user (user access token) can see. */
  async userRepositories(userToken: string): Promise<GithubRepo[]> {
    const installations = await this.get<{ installations: { id: number }[] }>('/user/installations?per_page=100', `Bearer ${userToken}`);
    const repos: GithubRepo[] = [];
    for (const installation of installations.installations) {
      for (let page = 1; page <= 10; page += 1) {
        const list = await this.get<{ repositories: { full_name: string; html_url: string; private: boolean; default_branch: string }[] }>(
          `/user/installations/${installation.id}/repositories?per_page=100&page=${page}`,
          `Bearer ${userToken}`,
        );
        for (const r of list.repositories)
          repos.push({
            fullName: r.full_name,
            htmlUrl: r.html_url,
            private: r.private,
            defaultBranch: r.default_branch,
            installationId: String(installation.id),
          });
        if (list.repositories.length < 100) break;
      }
    }
    return repos;
  }

  /** Whether anyone can read the repository (no token). */
  async isPublic(owner: string, repo: string): Promise<boolean> {
    try {
      const info = await this.get<{ private: boolean }>(`/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`);
      return !info.private;
    } catch (error) {
      if (error instanceof GithubApiError && (error.status === 404 || error.status === 403 || error.status === 401)) return false;
      throw error;
    }
  }

  /** A short-lived installation token (contents: read) for cloning. */
  async installationToken(installationId: string): Promise<string> {
    if (!this.app) throw new GithubApiError(0, 'the GitHub App is not configured (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY)');
    const response = await this.fetchImpl(`${this.apiUrl}/app/installations/${encodeURIComponent(installationId)}/access_tokens`, {
      method: 'POST',
      headers: { ...headers(`Bearer ${appJwt(this.app.appId, this.app.privateKey)}`), 'content-type': 'application/json' },
      body: JSON.stringify({ permissions: { contents: 'read' } }),
    });
    if (!response.ok) throw new GithubApiError(response.status, `GitHub refused an installation token (${response.status})`);
    return ((await response.json()) as { token: string }).token;
  }

  private async get<T>(path: string, authorization?: string): Promise<T> {
    const response = await this.fetchImpl(`${this.apiUrl}${path}`, { headers: headers(authorization) });
    if (!response.ok) throw new GithubApiError(response.status, `GitHub answered ${response.status} to GET ${path.split('?')[0]}`);
    return (await response.json()) as T;
  }
}

function headers(authorization?: string): Record<string, string> {
  return {
    accept: 'application/vnd.github+json',
    'user-agent': 'zapdeploy',
    'x-github-api-version': '2022-11-28',
    ...(authorization ? { authorization } : {}),
  };
}
