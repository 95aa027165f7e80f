import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where build cgroups go, under the cgroup root (one folder per build). */
export const BUILD_CGROUP_PARENT = 'zapdeploy-builds';

/** A cgroup made for one build; every container of its RUN steps is placed under it (`cgroupparent`). */
export type BuildCgroup = {
  /** The Engine's `cgroupparent` value. */
  readonly parent: string;
  remove(): Promise<void>;
};

/**
 * Makes a cgroup whose `pids.max` bounds every process of one build, RUN steps included: the Engine's build API
 * takes memory and CPU limits but no pids limit, and root in a RUN step is not held by RLIMIT_NPROC. Works with
 * the engine's cgroupfs driver, on cgroup v1 and v2 (with the systemd driver parents must be slices: null).
 */
export async function createBuildCgroup(name: string, pidsLimit: number, cgroupDriver: string, root = '/sys/fs/cgroup'): Promise<BuildCgroup | null> {
  if (cgroupDriver !== 'cgroupfs') return null;
  const relative = path.posix.join('/', BUILD_CGROUP_PARENT, name);
  const unified = existsSync(path.join(root, 'cgroup.controllers'));
  if (unified) {
    // v2: the pids controller must be enabled for the children of every ancestor.
    await mkdir(path.join(root, relative), { recursive: true });
    for (const ancestor of [root, path.join(root, BUILD_CGROUP_PARENT), path.join(root, relative)]) {
      await appendFile(path.join(ancestor, 'cgroup.subtree_control'), '+pids');
    }
    await writeFile(path.join(root, relative, 'pids.max'), String(pidsLimit));
  } else {
    await mkdir(path.join(root, 'pids', relative), { recursive: true });
    await writeFile(path.join(root, 'pids', relative, 'pids.max'), String(pidsLimit));
  }
  return {
    parent: relative,
    // The engine made the same folder in every hierarchy (v1) for the build's containers; they are gone by now.
    remove: async () => {
      const hierarchies = unified ? [root] : (await readdir(root)).map((entry) => path.join(root, entry));
      for (const hierarchy of hierarchies) {
        const dir = path.join(hierarchy, relative);
        if (!existsSync(dir)) continue;
        for (const child of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
          if (child.isDirectory()) await rmdir(path.join(dir, child.name)).catch(() => undefined);
        }
        // Best effort: an empty cgroup folder left behind (still busy, already gone) holds nothing and costs nothing.
        await rmdir(dir).catch(() => undefined);
      }
    },
  };
}
