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

/** A router over memory runtimes that checks the clusters every 20 ms; `connected` collects the clusters it connects. */
function routerOver(clusters: ClusterConnection[], connected: string[] = []): ClusterRouter {
  const connect = (c: ClusterConnection) => {
    connected.push(c.id);
    return createMemoryRuntime();
  };
  // The router's log is for failing clusters; none fails here.
  return new ClusterRouter(createMemoryRuntime(), directoryOf(clusters), connect, () => undefined, 20);
}

/** Starts a watch (its changes are not looked at here) and tells when it has ended. */
function watchUntilEnded(router: ClusterRouter, signal: AbortSignal): { readonly ended: () => boolean; readonly done: Promise<void> } {
  let ended = false;
  const done = router.workload
    .watch(() => undefined, signal)
    .then(() => {
      ended = true;
    });
  return { ended: () => ended, done };
}

describe(ClusterRouter.name, () => {
  it('ends its watch when a cluster is added, so that the next one watches it too', async () => {
    const clusters = [cluster('clu_local')];
    const connected: string[] = [];
    const router = routerOver(clusters, connected);
    const controller = new AbortController();
    const watching = watchUntilEnded(router, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(watching.ended()).toBe(false);
    clusters.push(cluster('clu_new'));
    await watching.done;
    expect(watching.ended()).toBe(true);
    // Watched again: the new cluster is part of it.
    const again = router.workload.watch(() => undefined, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connected).toContain('clu_new');
    controller.abort();
    await again;
  });

  it('ends its watch when a cluster gets new credentials, and not while nothing changes', async () => {
    const clusters = [cluster('clu_local'), cluster('clu_a')];
    const router = routerOver(clusters);
    const controller = new AbortController();
    const watching = watchUntilEnded(router, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(watching.ended()).toBe(false);
    clusters[1] = cluster('clu_a', '2');
    await watching.done;
    expect(watching.ended()).toBe(true);
  });
});
