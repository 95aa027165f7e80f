export { type PlatformLog, type RunningPlatform, startPlatform } from './start-platform.js';
