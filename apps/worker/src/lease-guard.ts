import type { Lease } from '@zapdeploy/db';
import type { RuntimePorts } from '@zapdeploy/runtime';

/** Raised in a reconcile step once the worker no longer holds the instance's lease: another worker acts now. */
export class LeaseLostError extends Error {
  constructor(readonly resource: string) {
    super(`lease ${resource} was lost`);
    this.name = 'LeaseLostError';
  }
}

type Renewer = { renew(lease: Lease, ttlMs: number): Promise<boolean> };

/**
 * Renews a lease every quarter of its length and aborts `signal` when a renewal says it is no longer ours
 * (or fails for longer than the lease lasts): from then on nothing may act for the instance.
 */
export function holdLease(
  leases: Renewer,
  lease: Lease,
  ttlMs: number,
  onError: (error: unknown) => void,
  now: () => number = Date.now,
): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  let lastRenewed = now();
  const timer = setInterval(() => {
    leases.renew(lease, ttlMs).then(
      (held) => {
        if (held) lastRenewed = now();
        else controller.abort(new LeaseLostError(lease.resource));
      },
      (error: unknown) => {
        onError(error);
        if (now() - lastRenewed >= ttlMs) controller.abort(new LeaseLostError(lease.resource));
      },
    );
  }, ttlMs / 4);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

/** The same object, whose every method first checks that the lease is still held. */
export function fenced<T extends object>(target: T, signal: AbortSignal): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        signal.throwIfAborted();
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** The runtime's ports, each fenced: once the lease is lost, no build, workload or volume call goes through. */
export function fencedPorts(ports: RuntimePorts, signal: AbortSignal): RuntimePorts {
  return { kind: ports.kind, builder: fenced(ports.builder, signal), workload: fenced(ports.workload, signal), volume: fenced(ports.volume, signal) };
}
