export { type Infrastructure, openInfrastructure, type ReadinessCheck } from './infrastructure.js';
export { ensureLocalCluster, localClusterSpec, openClusterRepository } from './local-cluster.js';
export { OutboxRelay } from './outbox-relay.js';
export { Periodic } from './periodic.js';
export { CRASH_EXIT_CODE, type Running, runProcess } from './run-process.js';
export { deriveKey, paymentsServiceToken, resolveSecret } from './secret.js';
export { ArchiveTooLargeError, SessionArchiveStore } from './session-archive-store.js';
export { sweepSessionArchives } from './session-archive-sweep.js';
