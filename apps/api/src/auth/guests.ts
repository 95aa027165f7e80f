import type { AuditRepository, Db, InstanceRepository, UserRepository } from '@zapdeploy/db';
import { assertCanMergeGuest, DomainError, guestExpiryCutoff } from '@zapdeploy/domain';
import { Periodic } from '@zapdeploy/infra';
import type { InstanceService } from '../instances/instance.service.js';

export type GuestsDeps = {
  readonly db: Db;
  readonly users: UserRepository;
  readonly instances: InstanceRepository;
  readonly instanceService: InstanceService;
  readonly audit: AuditRepository;
  /** Guests idle this long are deleted with their instances. */
  readonly ttlDays: number;
  readonly sweepMs: number;
  readonly onError: (error: unknown) => void;
};

/** How many idle guests one sweep handles (the next sweep takes the rest). */
const SWEEP_BATCH = 200;

/**
 * What happens to guests after they start: they join an account (their instances move with them, if the
 * account's limits allow it) or, idle for `ttlDays`, are deleted with their instances.
 */
export class Guests {
  private readonly sweeper: Periodic;

  constructor(private readonly deps: GuestsDeps) {
    this.sweeper = new Periodic(() => this.sweep(), deps.sweepMs, deps.onError);
  }

  start(): void {
    this.sweeper.start();
  }

  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  /**
   * Moves a guest's instances to the account they signed in or up with, in one transaction that re-checks the
   * account's limits; throws a DomainError (and moves nothing) when they would be exceeded.
   */
  async merge(guestId: string, userId: string): Promise<number> {
    const { db, instances, users, audit } = this.deps;
    return db.transaction(async (tx) => {
      await instances.lockOwner(userId, tx);
      await instances.lockOwner(guestId, tx);
      const guest = await instances.countLive(guestId, tx);
      if (guest.all === 0) return 0;
      const account = await instances.countLive(userId, tx);
      assertCanMergeGuest({ guestDevInstances: guest.dev, accountDevInstances: account.dev });
      for (const instance of await instances.liveOf(guestId, tx)) {
        if (await instances.nameTaken(userId, instance.name, tx)) throw new DomainError('conflict', 'guest_merge_name_taken', { name: instance.name });
      }
      const moved = await users.transferInstances(guestId, userId, tx);
      await audit.record({ actorId: userId, action: 'guest.upgrade', targetType: 'user', targetId: userId, data: { guestId, instancesMoved: moved } }, tx);
      return moved;
    });
  }

  /**
   * Deletes guests idle since before the cutoff: their instances through the usual intent (the worker removes
   * containers and volumes), then the guest and their sessions. Returns how many guests were deleted.
   */
  async sweep(now = new Date()): Promise<number> {
    const { users, instances, instanceService, audit } = this.deps;
    const cutoff = guestExpiryCutoff(now, this.deps.ttlDays);
    let deleted = 0;
    for (const guestId of await users.idleGuests(cutoff, SWEEP_BATCH)) {
      for (const instance of await instances.liveOf(guestId)) {
        if (instance.desiredState === 'deleted') continue;
        await instanceService.applyPlatformChange(instance.id, 'guest_expired', () => ({ desiredState: 'deleted', status: 'deleting' }));
      }
      if (await users.deleteIdleGuest(guestId, cutoff)) {
        deleted++;
        await audit.record({ actorId: null, action: 'guest.expired', targetType: 'user', targetId: guestId, data: { ttlDays: this.deps.ttlDays } });
      }
    }
    return deleted;
  }
}
