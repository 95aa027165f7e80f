import type { Readable } from 'node:stream';
import { BOT_USER, DATA_DIR, LABELS, names } from '../docker-spec.js';
import type { InstanceVolume } from '../ports.js';
import { type DockerContext, isNotFound } from './context.js';

/**
 * The instance's named volume `zd-data-<instance>` on /data. The engine has no API into a volume, so sessions are
 * read and written through the archive API of a helper container (the helper image, no network, no capabilities)
 * that mounts it.
 */
export class DockerInstanceVolume implements InstanceVolume {
  constructor(private readonly context: DockerContext) {}

  async clearSessions(instanceId: string): Promise<void> {
    await this.context.runHelper(
      instanceId,
      { Cmd: ['sh', '-c', `rm -rf ${DATA_DIR}/sessions`], User: BOT_USER },
      `could not clear the sessions of ${instanceId}`,
    );
  }

  async exportSessions<T>(instanceId: string, consume: (tar: Readable) => Promise<T>): Promise<T | undefined> {
    if (!(await this.exists(instanceId))) return undefined;
    return this.context.withVolumeHelper(instanceId, async (helper) => {
      let archive: Readable;
      try {
        archive = (await helper.getArchive({ path: `${DATA_DIR}/sessions` })) as Readable;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
      return consume(archive);
    });
  }

  async importSessions(instanceId: string, tar: Readable): Promise<void> {
    await this.context.ensureVolume(instanceId);
    await this.clearSessions(instanceId);
    // The archive's entries carry the bot's uid/gid, which the engine keeps when it extracts them.
    await this.context.withVolumeHelper(instanceId, (helper) => helper.putArchive(tar, { path: DATA_DIR }));
  }

  /**
   * Disk use per instance: the container's writable layer (SizeRw) plus its /data volume (and labelled volumes of
   * VOLUMEs its image declares). Docker cannot cap either on overlay2 without xfs quotas, so the worker measures and
   * acts on this instead.
   */
  async diskUsage(): Promise<Map<string, number>> {
    const { docker } = this.context;
    const usage = new Map<string, number>();
    const containers = await docker.listContainers({ all: true, size: true, filters: { label: [`${LABELS.managed}=true`] } });
    for (const c of containers) {
      const id = c.Labels[LABELS.instance];
      if (id) usage.set(id, (usage.get(id) ?? 0) + ((c as { SizeRw?: number }).SizeRw ?? 0));
    }
    const df = (await docker.df()) as { Volumes?: { Name: string; Labels?: Record<string, string> | null; UsageData?: { Size?: number } }[] };
    for (const volume of df.Volumes ?? []) {
      const id = volume.Labels?.[LABELS.instance];
      const size = volume.UsageData?.Size ?? 0;
      if (id && size > 0) usage.set(id, (usage.get(id) ?? 0) + size);
    }
    return usage;
  }

  /** The named volume, and anything else labelled with the instance (volumes of VOLUMEs its images declared). */
  async remove(instanceId: string): Promise<void> {
    const { docker } = this.context;
    await this.context.ignoreMissing(() => docker.getVolume(names.volume(instanceId)).remove());
    const { Volumes: leftovers } = await docker.listVolumes({ filters: { label: [`${LABELS.instance}=${instanceId}`] } });
    for (const volume of leftovers ?? []) await this.context.ignoreMissing(() => docker.getVolume(volume.Name).remove());
  }

  /** Reading a volume that is not there would create it (a helper's mount does): nothing to export then. */
  private async exists(instanceId: string): Promise<boolean> {
    try {
      await this.context.docker.getVolume(names.volume(instanceId)).inspect();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}
