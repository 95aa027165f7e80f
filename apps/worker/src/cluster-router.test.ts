import { createMemoryRuntime } from '@zapdeploy/runtime';
import { describe, expect, it } from 'vitest';
import { type ClusterConnection, type ClusterDirectory, ClusterRouter } from './cluster-router.js';

/** A directory over a list the test changes (what the clusters table says). */
function directoryOf(clusters: ClusterConnection[]): ClusterDirectory {
  return {
    clusterOf: async () => null,
    localClusterId: async () => 'clu_local',
    clusters: async () => [...clusters],
  };
}

const cluster = (id: string, version = '1'): ClusterConnection => ({ id, kind: 'kubernetes', credentials: '', registry: null, storageClass: null, version });

describe(ClusterRouter.name, () => {
  it('ends its watch when a cluster is added, so that the next one watches it too', async () => {
    const clusters = [cluster('clu_local')];
    const connected: string[] = [];
    const router = new ClusterRouter(
      createMemoryRuntime(),
      directoryOf(clusters),
      (c) => {
        connected.push(c.id);
        return createMemoryRuntime();
      },
      () => undefined,
      20,
    );
    const controller = new AbortController();
    let ended = false;
    const watching = router.workload
      .watch(() => undefined, controller.signal)
      .then(() => {
        ended = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ended).toBe(false);
    clusters.push(cluster('clu_new'));
    await watching;
    expect(ended).toBe(true);
    // Watched again: the new cluster is part of it.
    const again = router.workload.watch(() => undefined, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connected).toContain('clu_new');
    controller.abort();
    await again;
  });

  it('ends its watch when a cluster gets new credentials, and not while nothing changes', async () => {
    const clusters = [cluster('clu_local'), cluster('clu_a')];
    const router = new ClusterRouter(
      createMemoryRuntime(),
      directoryOf(clusters),
      () => createMemoryRuntime(),
      () => undefined,
      20,
    );
    const controller = new AbortController();
    let ended = false;
    const watching = router.workload
      .watch(() => undefined, controller.signal)
      .then(() => {
        ended = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ended).toBe(false);
    clusters[1] = cluster('clu_a', '2');
    await watching;
    expect(ended).toBe(true);
  });
});
