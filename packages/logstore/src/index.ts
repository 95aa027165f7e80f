export {
  compareIds,
  DEFAULT_MAX_ENTRIES,
  isStreamId,
  type LogEntry,
  type LogStore,
  type LogStream,
  logKeys,
  type StoredLogEntry,
} from './log-store.js';
export { MemoryLogStore } from './memory-log-store.js';
export { RedisLogStore } from './redis-log-store.js';
