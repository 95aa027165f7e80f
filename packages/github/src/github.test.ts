import { createVerify, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appJwt } from './app-jwt.js';
import { normalizeRepoUrl, parseGithubRepo } from './repo-url.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe(verifyWebhookSignature.name, () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  it('accepts GitHub’s signature of the raw body and refuses anything else', () => {
    expect(verifyWebhookSignature(body, signWebhook(body, 's3cret'), 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body, signWebhook(body, 'other'), 's3cret')).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(`${body} `), signWebhook(body, 's3cret'), 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, undefined, 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, 'sha256=00', 's3cret')).toBe(false);
  });
});

describe(appJwt.name, () => {
  it('signs an RS256 JWT issued to the app, valid under 10 minutes', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = appJwt('12345', privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), 1_700_000_000_000);
    const [header = '', payload = '', signature = ''] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; iat: number; exp: number };
    expect(claims.iss).toBe('12345');
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(600);
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${header}.${payload}`);
    expect(verifier.verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });
});

describe(parseGithubRepo.name, () => {
  it('reads owner/repo from URLs on the GitHub host only', () => {
    expect(parseGithubRepo('https://github.com/Acme/Bot.git', 'https://github.com')).toEqual({ owner: 'Acme', repo: 'Bot' });
    expect(parseGithubRepo('https://github.com/acme/bot/', 'https://github.com')).toEqual({ owner: 'acme', repo: 'bot' });
    expect(parseGithubRepo('https://gitlab.com/acme/bot', 'https://github.com')).toBeUndefined();
    expect(parseGithubRepo('https://github.com/acme/bot/tree/main', 'https://github.com')).toBeUndefined();
  });
  it('normalises URLs for comparison', () => {
    expect(normalizeRepoUrl('https://GitHub.com/Acme/Bot.git/')).toBe(normalizeRepoUrl('https://github.com/acme/bot'));
  });
});
