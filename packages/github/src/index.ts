export { appJwt } from './app-jwt.js';
export { GithubApiError, type GithubAppSettings, GithubClient, type GithubRepo } from './github-client.js';
export { normalizeRepoUrl, parseGithubRepo } from './repo-url.js';
export { signWebhook, verifyWebhookSignature } from './webhook-signature.js';
