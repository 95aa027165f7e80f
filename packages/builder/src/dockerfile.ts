import type { NodePlan, PythonPlan } from './build-plan.js';

export type DockerfileSettings = {
  readonly nodeImage: string;
  readonly pythonImage: string;
  /** Path of the CA bundle inside the build context, when one is to be trusted. */
  readonly caInContext: string | null;
  /** Extra folders (from zapdeploy.json) kept on the persistent volume, besides the known session folders. */
  readonly persistentPaths: readonly string[];
};

export const GENERATED_DOCKERFILE = '.zapdeploy.Dockerfile';
export const CA_IN_CONTEXT = '.zapdeploy-ca.crt';
export const ENTRYPOINT_IN_CONTEXT = '.zapdeploy-entrypoint.sh';

const json = (command: string) => JSON.stringify(['/bin/sh', '-c', `exec ${command}`]);

/**
 * A RUN line for a command that may come from the repository (zapdeploy.json, Square Cloud/Discloud files):
 * a one-line command in shell form (readable build logs), anything with a line break or a trailing escape
 * in exec form, so that no text of the user's can become a Dockerfile instruction of its own.
 */
export function runLine(command: string): string {
  return /[\r\n\u2028\u2029]/.test(command) || command.trimEnd().endsWith('\\') || command.trimEnd().endsWith('`')
    ? `RUN ${JSON.stringify(['/bin/sh', '-c', command])}`
    : `RUN ${command}`;
}

/** A Dockerfile for a repository without one: cached dependency layer, non-root user owning /app and /data. */
export function generateDockerfile(plan: NodePlan | PythonPlan, settings: DockerfileSettings): string {
  const user = plan.kind === 'node' ? 'node' : 'app';
  const lines = [`FROM ${plan.kind === 'node' ? settings.nodeImage : settings.pythonImage}`, 'USER root'];
  if (settings.caInContext) {
    lines.push(
      `COPY ${settings.caInContext} /etc/zapdeploy/ca.crt`,
      'RUN cat /etc/zapdeploy/ca.crt >> /etc/ssl/certs/ca-certificates.crt',
      'ENV NODE_EXTRA_CA_CERTS=/etc/zapdeploy/ca.crt PIP_CERT=/etc/ssl/certs/ca-certificates.crt',
    );
  }
  if (plan.aptPackages.length > 0) {
    lines.push(`RUN apt-get update && apt-get install -y --no-install-recommends ${plan.aptPackages.join(' ')} && rm -rf /var/lib/apt/lists/*`);
  }
  lines.push(`RUN mkdir -p /app /data && chown ${user}:${user} /app /data`, 'WORKDIR /app');
  if (plan.kind === 'node' && plan.chromium) {
    // Debian's Chromium instead of puppeteer's download (which needs the internet and lacks system libraries).
    lines.push(
      'ENV PUPPETEER_SKIP_DOWNLOAD=true PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=true PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium CHROME_PATH=/usr/bin/chromium',
    );
  }
  if (plan.kind === 'node') {
    // Bots' own dependencies may need their install scripts (sharp, sqlite3…): they run here, inside the isolated build.
    lines.push('ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false npm_config_dangerously_allow_all_scripts=true');
  } else {
    lines.push('ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/app/.venv PATH=/app/.venv/bin:$PATH');
  }
  lines.push(`USER ${user}`);
  if (plan.kind === 'python') lines.push('RUN python3 -m venv /app/.venv');
  if (plan.manifestFiles.length > 0) lines.push(`COPY --chown=${user}:${user} ${plan.manifestFiles.join(' ')} ./`);
  lines.push(runLine(plan.install));
  lines.push(`COPY --chown=${user}:${user} . .`);
  if (plan.build) lines.push(runLine(plan.build));
  if (plan.kind === 'node') lines.push('ENV NODE_ENV=production');
  // WhatsApp sessions live on the persistent volume without the bot changing a line (see session-entrypoint.ts).
  lines.push(`ENV ZAPDEPLOY_PERSISTENT_PATHS=${JSON.stringify(settings.persistentPaths.join(' '))}`);
  lines.push(`COPY ${ENTRYPOINT_IN_CONTEXT} /usr/local/bin/zapdeploy-entrypoint`);
  lines.push('ENTRYPOINT ["/usr/local/bin/zapdeploy-entrypoint"]');
  lines.push(`CMD ${json(plan.start)}`);
  return `${lines.join('\n')}\n`;
}
