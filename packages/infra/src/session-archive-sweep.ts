import type { SessionTransferRepository } from '@zapdeploy/db';
import type { SessionArchiveStore } from './session-archive-store.js';

/**
 * Expires session transfers past their time and deletes every archive no live transfer needs: expired, replaced,
 * applied or failed ones, and files a crash left behind (once older than `graceMs`, so that an upload whose row is
 * not written yet is spared). Returns how many archives it deleted.
 */
export async function sweepSessionArchives(
  transfers: SessionTransferRepository,
  store: SessionArchiveStore,
  graceMs: number,
  now = new Date(),
): Promise<number> {
  let removed = 0;
  for (const id of await transfers.expireDue(now)) {
    await store.remove(id);
    removed += 1;
  }
  const old = (await store.list()).filter((file) => now.getTime() - file.modifiedAt.getTime() > graceMs).map((file) => file.id);
  const needed = await transfers.needingArchive(old, now);
  for (const id of old) {
    if (needed.has(id)) continue;
    await store.remove(id);
    removed += 1;
  }
  return removed;
}
