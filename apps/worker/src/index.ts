export { databaseTenants } from './cluster-directory.js';
export { loadWorkerConfig, type WorkerConfig } from './config.js';
export { revisionOf } from './reconciler.js';
export { createRuntime, RuntimeUnavailableError } from './runtime-factory.js';
export { Worker, type WorkerLogger } from './worker.js';
