export {
  compareIds,
  DEFAULT_LIMITS,
  DEFAULT_MAX_ENTRIES,
  entryBytes,
  isStreamId,
  type LogEntry,
  type LogMessage,
  type LogStore,
  type LogStoreLimits,
  type LogStream,
  logKeys,
  type StoredLogEntry,
} from './log-store.js';
export { MemoryLogStore } from './memory-log-store.js';
export { RedisLogStore } from './redis-log-store.js';
