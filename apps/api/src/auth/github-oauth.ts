import type { GenericOAuthConfig } from 'better-auth/plugins/generic-oauth';

type GithubSettings = { readonly clientId: string; readonly clientSecret: string; readonly apiUrl: string; readonly webUrl: string };

type GithubUser = { id: number; login: string; name: string | null; email: string | null; avatar_url: string };
type GithubEmail = { email: string; primary: boolean; verified: boolean };

/**
 * GitHub as an OAuth provider with configurable endpoints (GITHUB_WEB_URL, GITHUB_API_URL), so that
 * GitHub Enterprise and the test stand-in work like github.com.
 */
export function githubOAuthConfig(settings: GithubSettings, fetchImpl: typeof fetch = fetch): GenericOAuthConfig {
  return {
    providerId: 'github',
    name: 'GitHub',
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    authorizationUrl: `${settings.webUrl}/login/oauth/authorize`,
    tokenUrl: `${settings.webUrl}/login/oauth/access_token`,
    scopes: ['read:user', 'user:email'],
    authentication: 'post',
    pkce: false,
    async getUserInfo(tokens) {
      const headers = {
        authorization: `Bearer ${tokens.accessToken}`,
        accept: 'application/vnd.github+json',
        'user-agent': 'zapdeploy',
        'x-github-api-version': '2022-11-28',
      };
      const userResponse = await fetchImpl(`${settings.apiUrl}/user`, { headers });
      if (!userResponse.ok) return null;
      const user = (await userResponse.json()) as GithubUser;
      const emailsResponse = await fetchImpl(`${settings.apiUrl}/user/emails`, { headers });
      const emails = emailsResponse.ok ? ((await emailsResponse.json()) as GithubEmail[]) : [];
      const chosen = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.email === user.email);
      const email = chosen?.email ?? user.email;
      if (!email) return null;
      return {
        id: String(user.id),
        name: user.name ?? user.login,
        email,
        image: user.avatar_url,
        emailVerified: chosen?.verified ?? false,
      };
    },
  };
}
