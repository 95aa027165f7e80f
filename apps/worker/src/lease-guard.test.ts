import type { Lease } from '@zapdeploy/db';
import { createMemoryRuntime } from '@zapdeploy/runtime';
import { describe, expect, it } from 'vitest';
import { fenced, fencedPorts, holdLease, LeaseLostError } from './lease-guard.js';

const lease = { resource: 'reconcile:i1', holder: 'w1', fence: 3 } as Lease;

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(holdLease.name, () => {
  it('keeps the signal open while renewals succeed, and aborts it when one says the lease is gone', async () => {
    let held = true;
    let renewals = 0;
    const renew = async () => {
      renewals += 1;
      return held;
    };
    const hold = holdLease({ renew }, lease, 40, () => undefined);
    await until(() => renewals >= 2);
    expect(hold.signal.aborted).toBe(false);
    held = false;
    await until(() => hold.signal.aborted);
    expect(hold.signal.reason).toBeInstanceOf(LeaseLostError);
    hold.stop();
  });

  it('gives up after failing renewals for as long as the lease lasts', async () => {
    const errors: unknown[] = [];
    let clock = 0;
    // Each failing renewal happens 15 ms (of this clock) after the previous one; the lease lasts 40.
    const renew = async () => {
      clock += 15;
      throw new Error('db down');
    };
    const hold = holdLease(
      { renew },
      lease,
      40,
      (e) => errors.push(e),
      () => clock,
    );
    await until(() => hold.signal.aborted);
    expect(errors).toHaveLength(3); // 15 and 30 ms: the lease still runs; 45 ms: gone
    hold.stop();
  });
});

describe(fenced.name, () => {
  it('lets calls through while held and refuses every call once the lease is lost', async () => {
    const calls: string[] = [];
    const runtime = {
      kind: 'fake',
      async stop(id: string) {
        calls.push(`stop ${id}`);
      },
      async start(id: string) {
        calls.push(`start ${id}`);
      },
    };
    const controller = new AbortController();
    const guarded = fenced(runtime, controller.signal);
    await guarded.stop('a');
    expect(guarded.kind).toBe('fake');
    controller.abort(new LeaseLostError('reconcile:a'));
    expect(() => guarded.start('a')).toThrow(LeaseLostError);
    expect(calls).toEqual(['stop a']);
  });
});

describe(fencedPorts.name, () => {
  it('fences the builder, the workload and the volume alike', async () => {
    const controller = new AbortController();
    const ports = fencedPorts(createMemoryRuntime(), controller.signal);
    expect(ports.kind).toBe('memory');
    expect(await ports.workload.list()).toEqual([]);
    controller.abort(new LeaseLostError('reconcile:a'));
    expect(() => ports.workload.stop('a')).toThrow(LeaseLostError);
    expect(() => ports.volume.clearSessions('a')).toThrow(LeaseLostError);
    expect(() => ports.builder.pruneArtifacts('a', [])).toThrow(LeaseLostError);
  });
});
