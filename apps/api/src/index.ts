export { createApiApp } from './app.js';
export { type ApiConfig, type FlagsConfig, loadApiConfig, SHIPPED_FLAGS_FILE } from './config.js';
export type { Mail, Mailer } from './infrastructure/mailer.js';
export { openPlatform, type Platform, type PlatformOverrides } from './infrastructure/platform.js';
