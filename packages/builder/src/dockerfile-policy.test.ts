import { describe, expect, it } from 'vitest';
import { checkDockerfile, parseInstructions, registryOf } from './dockerfile-policy.js';

const policy = { allowedRegistries: ['ghcr.io'] };
const check = (text: string) => checkDockerfile(text, policy);

describe('Dockerfile policy: what the builder daemon would fetch outside the build network', () => {
  it.each([
    ['plain Hub image', 'FROM node:24-slim\nCOPY . .\nCMD ["node","index.js"]\n', ['node:24-slim']],
    [
      'namespaced Hub image and an allowed registry',
      'FROM library/node:24 AS deps\nFROM ghcr.io/acme/bot:1\nCOPY --from=deps /app /app\n',
      ['library/node:24', 'ghcr.io/acme/bot:1'],
    ],
    [
      'stages by name and index',
      'FROM node:24 AS build\nRUN npm ci\nFROM build AS again\nFROM node:24-slim\nCOPY --from=0 /a /a\nCOPY --from=again /b /b\n',
      ['node:24', 'node:24-slim'],
    ],
    ['global ARG in FROM', 'ARG NODE=22\nFROM node:${NODE}-slim\n', ['node:22-slim']],
    ['ARG default modifier', 'ARG TAG\nFROM node:${TAG:-24}\n', ['node:24']],
    ['local ADD, archives included', 'FROM node:24\nADD app.tar.gz /app/\nADD ["a b.txt", "/x/"]\n', ['node:24']],
    ['scratch', 'FROM scratch\nCOPY bin /bin\n', []],
    [
      'digest',
      'FROM node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
      ['node@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    ],
  ])('allows %s', (_name, text, images) => {
    expect(check(text)).toEqual({ ok: true, baseImages: images });
  });

  it.each([
    ['ADD of a URL', 'FROM node:24\nADD http://169.254.169.254/latest/meta-data/ /m\n', /ADD from a URL/],
    ['ADD of a URL, upper-case scheme', 'FROM node:24\nadd HTTPS://127.0.0.1:15672/api/overview /x\n', /ADD from a URL/],
    ['ADD of a URL with flags', 'FROM node:24\nADD --chown=1000:1000 --checksum=sha256:abc http://10.0.0.1/x /x\n', /ADD from a URL/],
    ['ADD of a URL in JSON form', 'FROM node:24\nADD ["http://127.0.0.1:6379/", "/x"]\n', /ADD from a URL/],
    ['ADD of a git repository', 'FROM node:24\nADD git@github.com:acme/secret.git /src\n', /ADD from a URL/],
    ['ADD split over continuation lines', 'FROM node:24\nADD \\\n  # a comment in between\n  http://127.0.0.1:4000/api/health \\\n  /x\n', /ADD from a URL/],
    ['ADD with backtick escape', '# escape=`\nFROM node:24\nADD `\n http://127.0.0.1/ /x\n', /ADD from a URL/],
    ['ADD of a variable', 'FROM node:24\nARG U=http://127.0.0.1/\nADD $U /x\n', /variables/],
    ['FROM a loopback registry', 'FROM 127.0.0.1:5000/evil\n', /registry "127.0.0.1:5000"/],
    ['FROM localhost', 'FROM localhost/evil:1\n', /registry "localhost"/],
    ['FROM an IPv6 registry', 'FROM [::1]:5000/evil\n', /not allowed|not an image/],
    ['FROM the metadata address through an ARG', 'ARG R=169.254.169.254\nFROM ${R}/x\n', /registry "169.254.169.254"/],
    ['FROM a private registry host', 'FROM registry.internal:5000/app\n', /registry "registry.internal:5000"/],
    ['COPY --from a private registry', 'FROM node:24\nCOPY --from=10.1.2.3:5000/secrets /etc/x /x\n', /registry "10.1.2.3:5000"/],
    ['COPY --from a variable', 'FROM node:24\nCOPY --from=$IMG /x /x\n', /variable/],
    ['ONBUILD', 'FROM node:24\nONBUILD ADD . /app\n', /ONBUILD/],
    ['FROM with an unresolved variable', 'FROM ${NOPE}\n', /FROM without an image/],
  ])('refuses %s', (_name, text, hint) => {
    const verdict = check(text);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.hint).toMatch(hint);
  });

  it('says which line is at fault', () => {
    const verdict = check('FROM node:24\nRUN true\nADD http://x.example/ /x\n');
    expect(verdict).toMatchObject({ ok: false, code: 'dockerfile_not_allowed' });
    if (!verdict.ok) expect(verdict.hint).toMatch(/^line 3:/);
  });

  it('refuses a file with no FROM', () => {
    expect(check('RUN true\n')).toMatchObject({ ok: false, code: 'dockerfile_invalid' });
  });

  it('joins continuation lines and drops comments like the builder', () => {
    expect(parseInstructions('# syntax=docker/dockerfile:1\nFROM a\n# c\nRUN one \\\n  two\n\nCMD x\n').map((i) => [i.keyword, i.args, i.line])).toEqual([
      ['FROM', 'a', 2],
      ['RUN', 'one    two', 4],
      ['CMD', 'x', 7],
    ]);
  });

  it('finds the registry of a reference', () => {
    expect(registryOf('node')).toBeUndefined();
    expect(registryOf('acme/bot:1')).toBeUndefined();
    expect(registryOf('ghcr.io/acme/bot')).toBe('ghcr.io');
    expect(registryOf('localhost:5000/x')).toBe('localhost:5000');
  });
});
