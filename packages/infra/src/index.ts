export { type Infrastructure, openInfrastructure, type ReadinessCheck } from './infrastructure.js';
export { OutboxRelay } from './outbox-relay.js';
export { Periodic } from './periodic.js';
export { CRASH_EXIT_CODE, type Running, runProcess } from './run-process.js';
export { deriveKey, paymentsServiceToken, resolveSecret } from './secret.js';
