import type { GithubConfig } from '@zapdeploy/config';
import { DomainError } from '@zapdeploy/domain';
import { GithubClient, type GithubRepo, parseGithubRepo } from '@zapdeploy/github';
import type { Auth } from '../auth/better-auth.js';

/**
 * What a user may deploy from GitHub: public repositories, and private ones of the Zapdeploy GitHub App's
 * installations that the user's own GitHub account can see (never someone else's installation).
 */
export class GithubAccess {
  readonly client: GithubClient;

  constructor(
    private readonly config: GithubConfig,
    private readonly auth: Auth,
    private readonly linkedAccountId: (userId: string) => Promise<string | undefined>,
  ) {
    this.client = new GithubClient(config.apiUrl, config.app ? { appId: config.app.appId, privateKey: config.app.privateKey } : undefined);
  }

  get installUrl(): string | null {
    return this.config.app?.slug ? `${this.config.webUrl}/apps/${this.config.app.slug}/installations/new` : null;
  }

  /**
   * Repositories the user can pick; throws when GitHub is not set up or not connected. An install without a
   * GitHub App has no such list (404: a fact of this install, not a failure to retry).
   */
  async repositories(userId: string): Promise<GithubRepo[]> {
    if (!this.config.app || !this.config.oauth) throw new DomainError('not_found', 'github_not_configured');
    return this.client.userRepositories(await this.userToken(userId));
  }

  /**
   * The installation to clone `repoUrl` through: null for a public repository (or one not on GitHub);
   * throws `repo_not_accessible` for a private repository the user cannot see through the App.
   */
  async installationFor(userId: string, repoUrl: string): Promise<string | null> {
    const parsed = parseGithubRepo(repoUrl, this.config.webUrl);
    if (!parsed || !this.config.app) return null;
    if (await this.client.isPublic(parsed.owner, parsed.repo)) return null;
    const token = await this.userToken(userId).catch(() => undefined);
    const wanted = `${parsed.owner}/${parsed.repo}`.toLowerCase();
    const match = token ? (await this.client.userRepositories(token)).find((repo) => repo.fullName.toLowerCase() === wanted) : undefined;
    if (!match) throw new DomainError('invalid', 'repo_not_accessible', { repo: `${parsed.owner}/${parsed.repo}` });
    return match.installationId;
  }

  private async userToken(userId: string): Promise<string> {
    try {
      const accountId = await this.linkedAccountId(userId);
      // Better Auth decrypts the stored token and refreshes it when it has expired.
      const result = accountId ? await this.auth.api.getAccessToken({ body: { accountId, userId } }) : undefined;
      if (result?.accessToken) return result.accessToken;
    } catch {
      // no GitHub account linked
    }
    throw new DomainError('conflict', 'github_not_connected');
  }
}
