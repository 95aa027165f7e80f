import type { InstanceStatus } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';

export type StatusEvent = {
  readonly type: 'instance.status';
  readonly instanceId: string;
  readonly status: InstanceStatus;
  readonly reason: string | null;
  readonly at: string;
};

/** Pushes status changes to the owner's event stream, which the API serves over SSE. */
export class StatusEvents {
  constructor(private readonly store: LogStore) {}

  async publish(ownerId: string | null, instanceId: string, status: InstanceStatus, reason: string | null): Promise<void> {
    if (!ownerId) return;
    const event: StatusEvent = { type: 'instance.status', instanceId, status, reason, at: new Date().toISOString() };
    await this.store.append(logKeys.userEvents(ownerId), [{ ts: event.at, stream: 'system', line: JSON.stringify(event) }]);
  }
}
