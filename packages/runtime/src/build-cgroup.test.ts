import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_CGROUP_PARENT, createBuildCgroup } from './build-cgroup.js';

// A cgroup filesystem is plain files from userland; a temporary folder laid out like one shows what is written where.
let root: string;
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe(createBuildCgroup.name, () => {
  it('cgroup v1: sets pids.max in the pids hierarchy and removes the folder the engine made in each hierarchy', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cgroup-v1-'));
    for (const hierarchy of ['pids', 'cpu', 'memory']) await mkdir(path.join(root, hierarchy));
    const cgroup = await createBuildCgroup('dep_1', 64, 'cgroupfs', root);
    expect(cgroup?.parent).toBe(`/${BUILD_CGROUP_PARENT}/dep_1`);
    expect(await readFile(path.join(root, 'pids', BUILD_CGROUP_PARENT, 'dep_1', 'pids.max'), 'utf8')).toBe('64');
    // What the engine makes for a build's container, in every hierarchy (gone with the container in real life).
    await mkdir(path.join(root, 'cpu', BUILD_CGROUP_PARENT, 'dep_1', 'abc123'), { recursive: true });
    await rm(path.join(root, 'pids', BUILD_CGROUP_PARENT, 'dep_1', 'pids.max'));
    await cgroup?.remove();
    expect(existsSync(path.join(root, 'pids', BUILD_CGROUP_PARENT, 'dep_1'))).toBe(false);
    expect(existsSync(path.join(root, 'cpu', BUILD_CGROUP_PARENT, 'dep_1'))).toBe(false);
  });

  it('cgroup v2: enables the pids controller down the path and sets pids.max', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cgroup-v2-'));
    await writeFile(path.join(root, 'cgroup.controllers'), 'cpu memory pids');
    const cgroup = await createBuildCgroup('dep_2', 128, 'cgroupfs', root);
    expect(cgroup?.parent).toBe(`/${BUILD_CGROUP_PARENT}/dep_2`);
    for (const dir of [root, path.join(root, BUILD_CGROUP_PARENT), path.join(root, BUILD_CGROUP_PARENT, 'dep_2')]) {
      expect(await readFile(path.join(dir, 'cgroup.subtree_control'), 'utf8')).toBe('+pids');
    }
    expect(await readFile(path.join(root, BUILD_CGROUP_PARENT, 'dep_2', 'pids.max'), 'utf8')).toBe('128');
  });

  it('with the systemd driver, makes nothing (parents must be slices there)', async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cgroup-sd-'));
    expect(await createBuildCgroup('dep_3', 64, 'systemd', root)).toBeNull();
  });
});
