export { type Infrastructure, openInfrastructure, type ReadinessCheck } from './infrastructure.js';
export { type Running, runProcess } from './run-process.js';
export { resolveSecret } from './secret.js';
