import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import type { InstanceVolume } from '../ports.js';
import type { MemoryEngine } from './engine.js';

const SESSIONS = 'sessions/';
/** The bot user's ids, as on the other runtimes' volumes. */
const BOT_UID = 1000;

/** Volume files kept in memory by path; sessions are exported and imported as tar streams like on disk. */
export class MemoryInstanceVolume implements InstanceVolume {
  constructor(private readonly engine: MemoryEngine) {}

  async clearSessions(instanceId: string): Promise<void> {
    const files = this.engine.volumes.get(instanceId);
    if (!files) return;
    for (const name of [...files.keys()]) if (name.startsWith(SESSIONS)) files.delete(name);
  }

  async exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined> {
    const files = [...(this.engine.volumes.get(instanceId) ?? new Map<string, Buffer>())]
      .filter(([name]) => name.startsWith(SESSIONS))
      .sort(([a], [b]) => a.localeCompare(b));
    if (files.length === 0) return undefined;
    const pack = tarStream.pack();
    const folders = new Set<string>();
    for (const [name, body] of files) {
      const parts = name.split('/');
      for (let depth = 1; depth < parts.length; depth += 1) {
        const folder = parts.slice(0, depth).join('/');
        if (folders.has(folder)) continue;
        folders.add(folder);
        pack.entry({ name: `${folder}/`, type: 'directory', mode: 0o700, uid: BOT_UID, gid: BOT_UID });
      }
      pack.entry({ name, type: 'file', mode: 0o600, uid: BOT_UID, gid: BOT_UID }, body);
    }
    pack.finalize();
    return consume(Readable.from(pack));
  }

  async importSessions(instanceId: string, tar: Readable): Promise<void> {
    const incoming = new Map<string, Buffer>();
    const extract = tarStream.extract();
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      buffer(stream).then((body) => {
        if (header.type === 'file' && name.startsWith(SESSIONS) && !name.split('/').includes('..')) incoming.set(name, body);
        next();
      }, next);
    });
    await pipeline(tar, extract);
    await this.clearSessions(instanceId);
    const files = this.engine.volumes.get(instanceId) ?? new Map<string, Buffer>();
    for (const [name, body] of incoming) files.set(name, body);
    this.engine.volumes.set(instanceId, files);
  }

  /** The volume's files plus what the running bot writes outside it (`diskBytes` of its script). */
  async diskUsage(): Promise<Map<string, number>> {
    const usage = new Map<string, number>();
    for (const [id, files] of this.engine.volumes) {
      let bytes = 0;
      for (const body of files.values()) bytes += body.length;
      usage.set(id, bytes);
    }
    for (const [id, instance] of this.engine.instances) usage.set(id, (usage.get(id) ?? 0) + instance.script.diskBytes);
    return usage;
  }

  async remove(instanceId: string): Promise<void> {
    this.engine.volumes.delete(instanceId);
  }
}
