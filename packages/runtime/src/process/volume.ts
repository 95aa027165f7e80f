import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-fs';
import type { InstanceVolume } from '../ports.js';
import { directorySize, type ProcessContext } from './context.js';

/** The instance's data directory `data/<instance>` (the bot gets it as ZAPDEPLOY_DATA_DIR), sessions under `sessions/`. */
export class ProcessInstanceVolume implements InstanceVolume {
  constructor(private readonly context: ProcessContext) {}

  async clearSessions(instanceId: string): Promise<void> {
    await rm(path.join(this.context.dataDir(instanceId), 'sessions'), { recursive: true, force: true });
  }

  async exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined> {
    const data = this.context.dataDir(instanceId);
    const exists = await lstat(path.join(data, 'sessions')).catch(() => undefined);
    if (!exists?.isDirectory()) return undefined;
    return consume(Readable.from(tar.pack(data, { entries: ['sessions'] })));
  }

  async importSessions(instanceId: string, archive: Readable): Promise<void> {
    await this.clearSessions(instanceId);
    const data = this.context.dataDir(instanceId);
    await mkdir(data, { recursive: true });
    await pipeline(archive, tar.extract(data, { dmode: 0o700, fmode: 0o600 }));
  }

  /** The artifact directory the instance runs from, plus its data directory, for every instance known here or on disk. */
  async diskUsage(): Promise<Map<string, number>> {
    const usage = new Map<string, number>();
    const onDisk = await readdir(path.resolve(this.context.options.rootDir, 'data')).catch(() => []);
    for (const id of new Set([...this.context.managed.keys(), ...onDisk])) {
      const artifact = this.context.managed.get(id)?.spec.artifact;
      usage.set(id, (artifact ? await directorySize(artifact) : 0) + (await directorySize(this.context.dataDir(id))));
    }
    return usage;
  }

  async remove(instanceId: string): Promise<void> {
    await rm(this.context.dataDir(instanceId), { recursive: true, force: true });
  }
}
