import type { RuntimePorts } from './ports.js';

/** Everything of an instance goes, in this order: what runs (it holds the volume and the images), its volume, its images. */
export async function removeInstance(ports: Pick<RuntimePorts, 'builder' | 'workload' | 'volume'>, instanceId: string): Promise<void> {
  await ports.workload.remove(instanceId);
  await ports.volume.remove(instanceId);
  await ports.builder.pruneArtifacts(instanceId, []);
}
