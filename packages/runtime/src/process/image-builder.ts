import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LineSplitter } from '../line-splitter.js';
import type { BuiltArtifact, ImageBuilder } from '../ports.js';
import { BuildFailedError, type BuildRequest } from '../runtime.js';
import type { ProcessContext } from './context.js';

/** The file of an artifact directory holding the bot's start command. */
export const START_FILE = '.zapdeploy-start';

/**
 * An artifact is a directory, `builds/<instance>/<deployment>`: a copy of the source where the install and build
 * commands ran (as the platform's own user, no isolation), with the start command beside it.
 */
export class ProcessImageBuilder implements ImageBuilder {
  constructor(private readonly context: ProcessContext) {}

  async ping(): Promise<void> {
    await mkdir(this.context.options.rootDir, { recursive: true });
  }

  async build(request: BuildRequest): Promise<BuiltArtifact> {
    if (!request.commands)
      throw new BuildFailedError('this repository has its own Dockerfile, which needs the Docker runtime (install Docker, or add a package.json start script)');
    const dir = path.join(this.context.buildsDir(request.instanceId), request.deploymentId);
    await rm(dir, { recursive: true, force: true });
    await cp(request.contextDir, dir, { recursive: true });
    const env = this.context.baseEnv();
    for (const command of [request.commands.install, request.commands.build].filter((c): c is string => Boolean(c))) {
      request.onLine(`$ ${command}`);
      const code = await runShell(command, dir, env, request.onLine, request.signal);
      if (code !== 0) throw new BuildFailedError(`"${command}" exited with code ${code}`);
    }
    await writeFile(path.join(dir, START_FILE), request.commands.start);
    // The bot runs in its artifact directory; no session entrypoint links its folders to the data directory.
    return { artifact: dir, sessionPersistence: false };
  }

  /** Its artifacts are directories of this host. */
  async adopt(artifact: string): Promise<string | null> {
    return existsSync(artifact) ? artifact : null;
  }

  async pruneArtifacts(instanceId: string, keep: readonly string[]): Promise<void> {
    const builds = this.context.buildsDir(instanceId);
    if (keep.length === 0) {
      await rm(builds, { recursive: true, force: true });
      return;
    }
    for (const name of await readdir(builds).catch(() => [])) {
      const dir = path.join(builds, name);
      if (!keep.includes(dir)) await rm(dir, { recursive: true, force: true });
    }
  }
}

function runShell(command: string, cwd: string, env: NodeJS.ProcessEnv, onLine: (line: string) => void, signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    const splitter = new LineSplitter(onLine);
    child.stdout?.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
    child.stderr?.on('data', (chunk: Buffer) => splitter.pushBytes(chunk));
    child.on('error', () => resolve(1));
    child.on('close', (code) => {
      splitter.flush();
      resolve(code ?? 1);
    });
  });
}
