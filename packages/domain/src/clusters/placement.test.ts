import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { assertCanMove, type ClusterLoad, cpuOvercommitOf, memoryLeftAfter, type PlacedInstance, placeInstance, planDrain } from './placement.js';

function cluster(id: string, overrides: Partial<ClusterLoad> = {}): ClusterLoad {
  return {
    id,
    name: id,
    status: 'active',
    allocatableMemoryMb: 4096,
    allocatableCpuMillis: 4000,
    requestedMemoryMb: 0,
    requestedCpuMillis: 0,
    ...overrides,
  };
}
const bot = { memoryMb: 256, cpuMillis: 250 };
const pro = { memoryMb: 2048, cpuMillis: 1000 };

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? `${error.kind}:${error.code}` : 'not a DomainError';
  }
}

describe(placeInstance.name, () => {
  it.each<[string, ClusterLoad[], { memoryMb: number; cpuMillis: number }, string | null]>([
    ['the only active cluster with room', [cluster('a')], bot, 'a'],
    [
      'best fit: the one with the least memory left',
      [cluster('big', { allocatableMemoryMb: 8192 }), cluster('small', { allocatableMemoryMb: 1024 })],
      bot,
      'small',
    ],
    ['best fit counts what is already requested', [cluster('a', { requestedMemoryMb: 3800 }), cluster('b', { requestedMemoryMb: 1000 })], bot, 'a'],
    ['an exact fit is a fit', [cluster('a', { allocatableMemoryMb: 256, allocatableCpuMillis: 250 })], bot, 'a'],
    ['one MB short does not fit', [cluster('a', { allocatableMemoryMb: 255 })], bot, null],
    ['CPU must fit too', [cluster('a', { allocatableCpuMillis: 1000, requestedCpuMillis: 900 }), cluster('b', { allocatableMemoryMb: 8192 })], bot, 'b'],
    ['ties by name', [cluster('b'), cluster('a'), cluster('c')], bot, 'a'],
    ['never cordoned', [cluster('a', { status: 'cordoned', allocatableMemoryMb: 512 }), cluster('b')], bot, 'b'],
    ['never draining', [cluster('a', { status: 'draining', allocatableMemoryMb: 512 }), cluster('b')], bot, 'b'],
    ['never a cluster whose capacity was never read', [cluster('a', { allocatableMemoryMb: null }), cluster('b', { allocatableCpuMillis: null })], bot, null],
    ['null when nothing fits', [cluster('a', { allocatableMemoryMb: 1024 }), cluster('b', { status: 'cordoned' })], pro, null],
    ['null without clusters', [], bot, null],
  ])('%s', (_, clusters, demand, expected) => {
    expect(placeInstance(clusters, demand)?.id ?? null).toBe(expected);
  });

  it('leaves out an excluded cluster', () => {
    expect(placeInstance([cluster('a', { allocatableMemoryMb: 512 }), cluster('b')], bot, { exclude: 'a' })?.id).toBe('b');
  });
});

function instance(id: string, clusterId: string | null, plan = bot, targetClusterId: string | null = null): PlacedInstance {
  return { id, clusterId, targetClusterId, ...plan };
}

describe(assertCanMove.name, () => {
  it.each<[string, PlacedInstance, ClusterLoad, string | undefined]>([
    ['to an active cluster with room', instance('i', 'a'), cluster('b'), undefined],
    ['an instance not placed yet', instance('i', null), cluster('b'), undefined],
    ['not to where it runs', instance('i', 'b'), cluster('b'), 'conflict:same_cluster'],
    ['not to a cordoned cluster', instance('i', 'a'), cluster('b', { status: 'cordoned' }), 'conflict:cluster_not_active'],
    ['not to a draining cluster', instance('i', 'a'), cluster('b', { status: 'draining' }), 'conflict:cluster_not_active'],
    ['not to a full cluster', instance('i', 'a', pro), cluster('b', { requestedMemoryMb: 3000 }), 'invalid:no_capacity'],
    ['not to a cluster never read', instance('i', 'a'), cluster('b', { allocatableMemoryMb: null }), 'invalid:no_capacity'],
    // Its plan is already counted on the target of the move recorded before: asking again is not "full".
    ['again to the target already recorded', instance('i', 'a', pro, 'b'), cluster('b', { allocatableMemoryMb: 2048, requestedMemoryMb: 2048 }), undefined],
  ])('%s', (_, moving, target, expected) => {
    expect(codeOf(() => assertCanMove(moving, target))).toBe(expected);
  });
});

describe(planDrain.name, () => {
  it('moves every instance off the source through placement, largest first, counting each move', () => {
    const plan = planDrain(
      'src',
      [instance('i1', 'src'), instance('i2', 'src', pro), instance('i3', 'src')],
      [cluster('src'), cluster('a', { allocatableMemoryMb: 2304 }), cluster('b', { allocatableMemoryMb: 8192 })],
    );
    // pro (2048) best-fits on a (256 left); the next bot fills a; the last goes to b.
    expect(plan).toEqual({
      moves: [
        { instanceId: 'i2', targetClusterId: 'a' },
        { instanceId: 'i1', targetClusterId: 'a' },
        { instanceId: 'i3', targetClusterId: 'b' },
      ],
      stuck: [],
    });
  });

  it('leaves what has no room, never places back on the source, and skips moves already recorded', () => {
    const plan = planDrain(
      'src',
      [instance('i1', 'src', pro), instance('i2', 'src'), instance('i3', 'src', bot, 'a'), instance('other', 'a')],
      [cluster('src', { allocatableMemoryMb: 100_000 }), cluster('a', { allocatableMemoryMb: 1024 }), cluster('c', { status: 'cordoned' })],
    );
    expect(plan).toEqual({ moves: [{ instanceId: 'i2', targetClusterId: 'a' }], stuck: ['i1'] });
  });

  it('has nothing to do for an empty cluster', () => {
    expect(planDrain('src', [], [cluster('src'), cluster('a')])).toEqual({ moves: [], stuck: [] });
  });
});

describe('CPU over-commit', () => {
  const host = { id: 'c1', name: 'docker', status: 'active' as const, allocatableMemoryMb: 16_000, allocatableCpuMillis: 2000, requestedMemoryMb: 0 };
  it('promises a Docker host’s CPU several times over, a Kubernetes cluster’s once', () => {
    const demand = { memoryMb: 256, cpuMillis: 250 };
    expect(memoryLeftAfter({ ...host, requestedCpuMillis: 2000, cpuOvercommit: cpuOvercommitOf('docker') }, demand)).toBe(16_000 - 256);
    expect(memoryLeftAfter({ ...host, requestedCpuMillis: 2000, cpuOvercommit: cpuOvercommitOf('kubernetes') }, demand)).toBeNull();
    expect(memoryLeftAfter({ ...host, requestedCpuMillis: 16_000, cpuOvercommit: cpuOvercommitOf('docker') }, demand)).toBeNull();
  });
});
