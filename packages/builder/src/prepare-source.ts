import { copyFile, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildPlan, Detection } from './build-plan.js';
import { type CloneRequest, cloneRepository } from './clone.js';
import { detectBuild, persistentPathsOf, type SourceView } from './detect.js';
import { CA_IN_CONTEXT, ENTRYPOINT_IN_CONTEXT, GENERATED_DOCKERFILE, generateDockerfile } from './dockerfile.js';
import { checkDockerfile } from './dockerfile-policy.js';
import { SourceError } from './errors.js';
import { sessionEntrypoint } from './session-entrypoint.js';

export type PrepareRequest = Omit<CloneRequest, 'dir'> & {
  readonly workDir: string;
  readonly rootDir: string;
  readonly caFile: string | null;
  readonly nodeImage: string;
  readonly pythonImage: string;
  /** Registries (besides Docker Hub) that images of FROM and COPY --from may come from. */
  readonly allowedRegistries: readonly string[];
};

export type PreparedSource = {
  readonly commitSha: string;
  readonly branch: string;
  readonly contextDir: string;
  readonly dockerfile: string;
  readonly plan: BuildPlan;
  readonly notes: readonly string[];
  readonly persistentPaths: readonly string[];
  /** Images the Dockerfile builds on (FROM lines that are not earlier stages). */
  readonly baseImages: readonly string[];
};

const MAX_DOCKERFILE_BYTES = 256 * 1024;

const CONFIG_FILES = ['package.json', 'zapdeploy.json', 'squarecloud.app', 'squarecloud.config', 'discloud.config'];

/** Clone → detect → write the build context (generated Dockerfile and CA when needed). */
export async function prepareSource(request: PrepareRequest): Promise<PreparedSource> {
  await rm(request.workDir, { recursive: true, force: true });
  await mkdir(path.dirname(request.workDir), { recursive: true });
  const cloned = await cloneRepository({ ...request, dir: request.workDir });
  await rm(path.join(request.workDir, '.git'), { recursive: true, force: true });
  const contextDir = path.resolve(request.workDir, request.rootDir || '.');
  if (!contextDir.startsWith(path.resolve(request.workDir)) || !(await isDirectory(contextDir))) {
    throw new SourceError('root_dir_not_found', `The folder "${request.rootDir}" does not exist in the repository.`);
  }
  const source = await readSourceView(contextDir);
  const detection = detectBuild(source);
  if (!detection.ok) throw new SourceError(detection.failure.code, detection.failure.hint);
  let dockerfile = 'Dockerfile';
  if (detection.plan.kind !== 'dockerfile') {
    if (request.caFile) await copyFile(request.caFile, path.join(contextDir, CA_IN_CONTEXT));
    dockerfile = GENERATED_DOCKERFILE;
    const text = generateDockerfile(detection.plan, {
      nodeImage: request.nodeImage,
      pythonImage: request.pythonImage,
      caInContext: request.caFile ? CA_IN_CONTEXT : null,
      persistentPaths: persistentPathsOf(source),
    });
    await writeFile(path.join(contextDir, dockerfile), text);
    await writeFile(path.join(contextDir, ENTRYPOINT_IN_CONTEXT), sessionEntrypoint(), { mode: 0o755 });
  }
  // Generated Dockerfiles are checked too: nothing a repository writes may make the builder fetch by itself.
  const verdict = checkDockerfile(await readDockerfile(path.join(contextDir, dockerfile)), { allowedRegistries: request.allowedRegistries });
  if (!verdict.ok) throw new SourceError(verdict.code, verdict.hint);
  return {
    ...cloned,
    contextDir,
    dockerfile,
    plan: detection.plan,
    notes: detection.notes,
    persistentPaths: persistentPathsOf(source),
    baseImages: verdict.baseImages,
  };
}

async function readDockerfile(file: string): Promise<string> {
  const info = await lstat(file);
  if (!info.isFile()) throw new SourceError('dockerfile_invalid', 'the Dockerfile must be a regular file (not a link).');
  if (info.size > MAX_DOCKERFILE_BYTES) throw new SourceError('dockerfile_invalid', 'the Dockerfile is larger than 256 KB.');
  return readFile(file, 'utf8');
}

export type InspectRequest = Omit<CloneRequest, 'dir'> & { readonly workDir: string; readonly rootDir: string };

/** Clone → detect, nothing built: what a deploy of this repository would do (or what it lacks), before it starts. */
export async function inspectSource(request: InspectRequest): Promise<{ commitSha: string; branch: string; detection: Detection }> {
  await rm(request.workDir, { recursive: true, force: true });
  await mkdir(path.dirname(request.workDir), { recursive: true });
  try {
    const cloned = await cloneRepository({ ...request, dir: request.workDir });
    const contextDir = path.resolve(request.workDir, request.rootDir || '.');
    if (!contextDir.startsWith(path.resolve(request.workDir)) || !(await isDirectory(contextDir))) {
      throw new SourceError('root_dir_not_found', `The folder "${request.rootDir}" does not exist in the repository.`);
    }
    return { ...cloned, detection: detectBuild(await readSourceView(contextDir)) };
  } finally {
    await rm(request.workDir, { recursive: true, force: true });
  }
}

async function readSourceView(dir: string): Promise<SourceView> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  for (const sub of ['src', 'dist']) {
    if (entries.some((e) => e.isDirectory() && e.name === sub)) {
      for (const name of await readdir(path.join(dir, sub))) files.add(`${sub}/${name}`);
    }
  }
  const texts = new Map<string, string>();
  for (const name of CONFIG_FILES) {
    if (files.has(name)) texts.set(name, (await readFile(path.join(dir, name), 'utf8')).slice(0, 256 * 1024));
  }
  return { files, read: (name) => texts.get(name) };
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
