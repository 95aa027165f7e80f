import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { prepareSource } from '@zapdeploy/builder';
import Docker from 'dockerode';
import tar from 'tar-fs';

const docker = new Docker();

/** The floor: plain `docker build` + `docker run` of the same repository, until its first output line. */
export async function dockerBuildAndRun(repoUrl: string, firstLine: RegExp, caFile: string): Promise<number> {
  const work = await mkdtemp(path.join(tmpdir(), 'zapdeploy-floor-'));
  const tag = `zapdeploy-floor:${Date.now()}`;
  try {
    const prepared = await prepareFloorSource(repoUrl, path.join(work, 'src'), caFile);
    const start = performance.now();
    const stream = await docker.buildImage(tar.pack(prepared.contextDir) as unknown as NodeJS.ReadableStream, {
      t: tag,
      dockerfile: prepared.dockerfile,
      rm: true,
    });
    await new Promise((resolve, reject) => docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve(undefined))));
    const container = await docker.createContainer({ Image: tag, User: '1000:1000', Tty: false });
    const logs = await container.attach({ stream: true, stdout: true, stderr: true });
    await container.start();
    await waitForLine(logs, firstLine);
    const ms = performance.now() - start;
    await container.remove({ force: true });
    return ms;
  } finally {
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** A floor's source: the repository cloned and prepared as the platform would, before the clock starts. */
export function prepareFloorSource(repoUrl: string, workDir: string, caFile: string) {
  return prepareSource({
    repoUrl,
    branch: null,
    rootDir: '',
    workDir,
    allowPrivateHosts: true,
    timeoutMs: 60_000,
    maxBytes: 1e8,
    caFile,
    nodeImage: 'node:24-slim',
    pythonImage: 'python:3.11-slim',
    allowedRegistries: [],
  });
}

/** The floor for resume: `docker start` of a stopped container of the same image until it runs. */
export async function dockerStart(image: string): Promise<number[]> {
  const container = await docker.createContainer({ Image: image, User: '1000:1000', Entrypoint: ['node', '-e', 'setInterval(() => {}, 1000)'] });
  const times: number[] = [];
  try {
    for (let i = 0; i < 5; i += 1) {
      await container.stop({ t: 1 }).catch(() => undefined);
      const start = performance.now();
      await container.start();
      while (!(await container.inspect()).State.Running) await new Promise((resolve) => setTimeout(resolve, 10));
      times.push(performance.now() - start);
    }
  } finally {
    await container.remove({ force: true });
  }
  return times;
}

function waitForLine(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve();
    });
    docker.modem.demuxStream(stream, out, out);
  });
}
