export * from './auth.js';
export * from './billing.js';
export * from './common.js';
export * from './instances.js';
export * from './logs.js';
export * from './messages.js';
export * from './plans.js';
export * from './routes.js';
