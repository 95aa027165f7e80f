/** DI tokens for values that are not classes. */
export const TRUSTED_ORIGINS = Symbol('TRUSTED_ORIGINS');
export const API_CONFIG = Symbol('API_CONFIG');
export const AUTH = Symbol('AUTH');
export const DATABASE = Symbol('DATABASE');
export const READINESS = Symbol('READINESS');
export const LOG_STORE = Symbol('LOG_STORE');
export const GITHUB_WEBHOOK_SECRET = Symbol('GITHUB_WEBHOOK_SECRET');
export const WEBHOOK_DELIVERIES = Symbol('WEBHOOK_DELIVERIES');
export const BILLING = Symbol('BILLING');
export const PAYMENTS = Symbol('PAYMENTS');
export const SESSION_ARCHIVES = Symbol('SESSION_ARCHIVES');
