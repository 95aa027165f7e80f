import { describe, expect, it } from 'vitest';
import type { NodePlan } from './build-plan.js';
import { generateDockerfile } from './dockerfile.js';
import { checkDockerfile, parseInstructions } from './dockerfile-policy.js';

const plan: NodePlan = {
  kind: 'node',
  packageManager: 'npm',
  manifestFiles: ['package.json', 'package-lock.json'],
  install: 'npm ci',
  build: 'npm run build',
  start: 'npm run start',
  aptPackages: [],
  source: 'package.json',
  chromium: false,
};

describe(generateDockerfile.name, () => {
  it('installs dependencies in their own cached layer before copying the code, and runs as the node user', () => {
    const text = generateDockerfile(plan, { nodeImage: 'node:24-slim', pythonImage: 'python:3.11-slim', caInContext: null, persistentPaths: [] });
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('FROM node:24-slim');
    const copyManifests = lines.indexOf('COPY --chown=node:node package.json package-lock.json ./');
    const install = lines.indexOf('RUN npm ci');
    const copyAll = lines.indexOf('COPY --chown=node:node . .');
    expect(copyManifests).toBeGreaterThan(0);
    expect(install).toBeGreaterThan(copyManifests);
    expect(copyAll).toBeGreaterThan(install);
    expect(lines).toContain('USER node');
    expect(lines.at(-1)).toBe('CMD ["/bin/sh","-c","exec npm run start"]');
    expect(lines).toContain('ENTRYPOINT ["/usr/local/bin/zapdeploy-entrypoint"]');
    expect(text).toContain('chown node:node /app /data');
  });

  it('trusts the configured CA during the build and at run time', () => {
    const text = generateDockerfile(plan, {
      nodeImage: 'node:24-slim',
      pythonImage: 'python:3.11-slim',
      caInContext: '.zapdeploy-ca.crt',
      persistentPaths: ['data/session'],
    });
    expect(text).toContain('COPY .zapdeploy-ca.crt /etc/zapdeploy/ca.crt');
    expect(text).toContain('NODE_EXTRA_CA_CERTS=/etc/zapdeploy/ca.crt');
    expect(text.indexOf('NODE_EXTRA_CA_CERTS')).toBeLessThan(text.indexOf('RUN npm ci'));
  });

  it('gives browser bots Debian’s Chromium and skips puppeteer’s download', () => {
    const text = generateDockerfile(
      { ...plan, chromium: true, aptPackages: ['chromium', 'fonts-liberation'] },
      { nodeImage: 'node:24-slim', pythonImage: 'python:3.11-slim', caInContext: null, persistentPaths: [] },
    );
    expect(text).toContain('apt-get install -y --no-install-recommends chromium fonts-liberation');
    expect(text).toContain('PUPPETEER_SKIP_DOWNLOAD=true');
    expect(text).toContain('PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium');
    expect(text.indexOf('PUPPETEER_SKIP_DOWNLOAD')).toBeLessThan(text.indexOf('RUN npm ci'));
  });

  it('keeps a repository command with line breaks inside one RUN (no instruction injection)', () => {
    const injected = 'npm run build\nADD http://169.254.169.254/latest/meta-data/ /m\nRUN true \\';
    const text = generateDockerfile(
      { ...plan, build: injected },
      { nodeImage: 'node:24-slim', pythonImage: 'python:3.11-slim', caInContext: null, persistentPaths: [] },
    );
    const keywords = parseInstructions(text).map((i) => i.keyword);
    expect(keywords).not.toContain('ADD');
    expect(keywords.filter((k) => k === 'RUN')).toHaveLength(3);
    expect(text).toContain(`RUN ${JSON.stringify(['/bin/sh', '-c', injected])}`);
    expect(checkDockerfile(text, { allowedRegistries: [] })).toEqual({ ok: true, baseImages: ['node:24-slim'] });
  });
});
