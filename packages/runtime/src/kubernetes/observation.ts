import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { ABSENT, type ObservedState, type ResourceLimits } from '../runtime.js';
import { BOT_CONTAINER, K8S_ANNOTATIONS } from './manifests.js';

const WAITING_AS_RESTARTING = new Set(['CrashLoopBackOff', 'ContainerCreating', 'PodInitializing']);
const WAITING_AS_FAILED = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

/** Memory in MB and CPU in millicores from Kubernetes quantities (`256Mi`, `1Gi`, `500m`, `1`). */
export function parseQuantity(value: string | number | undefined, unit: 'memoryMb' | 'cpuMillis'): number | null {
  if (value === undefined) return null;
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(value));
  if (!match) return null;
  const amount = Number(match[1]);
  const suffix = match[2] ?? '';
  if (unit === 'cpuMillis') return suffix === 'm' ? amount : suffix === '' ? amount * 1000 : null;
  const bytesPer: Record<string, number> = {
    '': 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  const factor = bytesPer[suffix];
  return factor === undefined ? null : Math.round((amount * factor) / 1024 ** 2);
}

function limitsOf(statefulSet: V1StatefulSet): ResourceLimits | null {
  const container = statefulSet.spec?.template.spec?.containers.find((c) => c.name === BOT_CONTAINER);
  const limits = container?.resources?.limits;
  const memoryMb = parseQuantity(limits?.memory, 'memoryMb');
  const cpuMillis = parseQuantity(limits?.cpu, 'cpuMillis');
  if (memoryMb === null || cpuMillis === null) return null;
  return { memoryMb, cpuMillis, diskMb: 0 };
}

const iso = (value: Date | string | undefined | null): string | null => (value ? new Date(value).toISOString() : null);

/**
 * What an instance's StatefulSet and its pod say, in the same terms as a Docker container: running, restarting
 * (crash-looping, being created), the last exit code and whether it was an OOM kill.
 */
export function observationOf(statefulSet: V1StatefulSet | null, pod: V1Pod | null): ObservedState {
  if (!statefulSet) return ABSENT;
  const annotations = statefulSet.spec?.template.metadata?.annotations ?? {};
  const base: ObservedState = {
    ...ABSENT,
    exists: true,
    deploymentId: annotations[K8S_ANNOTATIONS.deployment] ?? null,
    revision: annotations[K8S_ANNOTATIONS.revision] ?? null,
    limits: limitsOf(statefulSet),
  };
  const wantsPod = (statefulSet.spec?.replicas ?? 1) > 0;
  if (!pod) return { ...base, restarting: wantsPod };
  const status = pod.status?.containerStatuses?.find((c) => c.name === BOT_CONTAINER);
  const running = Boolean(status?.state?.running) && !pod.metadata?.deletionTimestamp;
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  const waiting = status?.state?.waiting?.reason;
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const error = waiting && WAITING_AS_FAILED.has(waiting) ? `${waiting}: ${status?.state?.waiting?.message ?? ''}`.trim() : (unschedulable?.message ?? null);
  return {
    ...base,
    running,
    // A pod that is wanted and not running is being (re)started by the kubelet unless it cannot be.
    restarting: !running && wantsPod && !(waiting && WAITING_AS_FAILED.has(waiting)) && (waiting === undefined || WAITING_AS_RESTARTING.has(waiting)),
    exitCode: running ? null : (terminated?.exitCode ?? null),
    oomKilled: !running && terminated?.reason === 'OOMKilled',
    restartCount: status?.restartCount ?? 0,
    startedAt: iso(status?.state?.running?.startedAt ?? terminated?.startedAt),
    finishedAt: running ? null : iso(terminated?.finishedAt),
    error,
  };
}
