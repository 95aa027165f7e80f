/** owner/repo of a repository URL on the given GitHub web host; undefined for other hosts. */
export function parseGithubRepo(repoUrl: string, webUrl: string): { owner: string; repo: string } | undefined {
  let url: URL;
  let web: URL;
  try {
    url = new URL(repoUrl);
    web = new URL(webUrl);
  } catch {
    return undefined;
  }
  if (url.host.toLowerCase() !== web.host.toLowerCase()) return undefined;
  const [owner, rawRepo, ...rest] = url.pathname.replace(/^\/+|\/+$/g, '').split('/');
  const repo = rawRepo?.replace(/\.git$/i, '');
  if (!owner || !repo || rest.length > 0) return undefined;
  return { owner, repo };
}

/** A comparable form of a repository URL: lower-case host and path, no `.git`, no trailing slash. */
export function normalizeRepoUrl(repoUrl: string): string {
  try {
    const url = new URL(repoUrl);
    return `${url.protocol}//${url.host.toLowerCase()}${url.pathname
      .replace(/\/+$/, '')
      .replace(/\.git$/i, '')
      .toLowerCase()}`;
  } catch {
    return repoUrl.trim().toLowerCase();
  }
}
