import type { Db, OutboxMessage, OutboxRepository } from '@zapdeploy/db';

export type IntentDeps = {
  readonly db: Db;
  readonly outbox: OutboxRepository;
  /** Publishes a message at once (the outbox relay publishes it anyway if this fails). */
  readonly publishNow: (message: OutboxMessage) => Promise<void>;
  readonly log?: (line: string) => void;
};

/**
 * Runs a write in one transaction; messages it announces go to the outbox in that transaction and, once committed,
 * are also published at once so that workers react without waiting for the relay.
 */
export async function withIntent<T>(deps: IntentDeps, work: (tx: Db, announce: (message: OutboxMessage) => Promise<void>) => Promise<T>): Promise<T> {
  const committed: OutboxMessage[] = [];
  const result = await deps.db.transaction((tx) =>
    work(tx, async (message) => {
      await deps.outbox.add(message, tx);
      committed.push(message);
    }),
  );
  for (const message of committed) {
    void deps
      .publishNow(message)
      .catch((error: unknown) =>
        deps.log?.(`publish of ${message.name} failed (the outbox relay will retry): ${error instanceof Error ? error.message : String(error)}`),
      );
  }
  return result;
}
