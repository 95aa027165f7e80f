import { z } from 'zod';
import { type Env, parseEnv, urlString } from './env.js';

const schema = z.object({
  GITHUB_API_URL: urlString(['http', 'https']).default('https://api.github.com'),
  GITHUB_WEB_URL: urlString(['http', 'https']).default('https://github.com'),
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GITHUB_APP_ID: z.string().regex(/^\d+$/, 'expected the numeric App ID').optional(),
  GITHUB_APP_PRIVATE_KEY: z.string().includes('PRIVATE KEY', { message: 'expected the App’s PEM private key' }).optional(),
  GITHUB_APP_SLUG: z.string().optional(),
  GITHUB_WEBHOOK_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
});

export type GithubConfig = {
  readonly apiUrl: string;
  readonly webUrl: string;
  /** OAuth credentials for "sign in with GitHub" (the GitHub App's, so that its user tokens list installations). */
  readonly oauth: { readonly clientId: string; readonly clientSecret: string } | undefined;
  /** The GitHub App: installation tokens for private repositories. */
  readonly app: { readonly appId: string; readonly privateKey: string; readonly slug: string | undefined } | undefined;
  readonly webhookSecret: string | undefined;
};

export function loadGithubConfig(env: Env): GithubConfig {
  const e = parseEnv(schema, env);
  const strip = (url: string) => url.replace(/\/+$/, '');
  return {
    apiUrl: strip(e.GITHUB_API_URL),
    webUrl: strip(e.GITHUB_WEB_URL),
    oauth: e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET ? { clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET } : undefined,
    app:
      e.GITHUB_APP_ID && e.GITHUB_APP_PRIVATE_KEY
        ? { appId: e.GITHUB_APP_ID, privateKey: e.GITHUB_APP_PRIVATE_KEY.replace(/\\n/g, '\n'), slug: e.GITHUB_APP_SLUG }
        : undefined,
    webhookSecret: e.GITHUB_WEBHOOK_SECRET,
  };
}
