export {
  assertCanMergeGuest,
  assertCanSignUp,
  assertCanStartGuest,
  guestExpiresAt,
  guestExpiryCutoff,
  type SignupContext,
} from './access-policy.js';
export * from './billing/index.js';
export * from './clusters/index.js';
export { DomainError, type ErrorKind, notFound } from './errors.js';
export * from './finance/index.js';
export {
  ACCOUNT_SUSPENDED_REASON,
  type ActionOutcome,
  DESIRED_STATES,
  type DesiredState,
  INSTANCE_STATUSES,
  type InstanceAction,
  type InstanceStatus,
  isPaymentHold,
  isSystemPauseReason,
  planAction,
  SYSTEM_PAUSE_REASONS,
} from './instance-lifecycle.js';
export {
  assertCanChangePlan,
  assertCanCreateInstance,
  type CreationContext,
  MAX_DEV_INSTANCES_PER_USER,
} from './instance-policy.js';
export { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordProblem } from './password-policy.js';
export {
  ADMIN_AREA_NAMES,
  ADMIN_AREAS,
  type AdminArea,
  ALL_PERMISSIONS,
  areaFlag,
  areaOf,
  areaOfRole,
  areaRole,
  areasGrantedBy,
  hasPermission,
  OWNER_ROLE,
  PERMISSIONS,
  type Permission,
  permissionsInEffect,
} from './permissions.js';
export { assertPlanOpen, assertPlanPriceFitsTier, DEV_PLAN_SLUG, type Plan, type PlanTier } from './plans.js';
export { type ContainerAction, containerAction, type Observation, statusOfRunning, type Wanted } from './runtime-status.js';
export { assertScope, scopeCovers, TOKEN_MAX_DAYS, TOKEN_SCOPES, type TokenScope } from './token-scopes.js';
export {
  attemptMatrix,
  type Connection,
  INITIAL_STATE,
  isDecodableQrPng,
  type Matrix,
  nextState,
  pngSize,
  QR_DETECTOR_PATTERNS,
  QR_LIMITS,
  QR_MATRIX_PATTERNS,
  QR_PNG_LIMITS,
  type QrAttempt,
  type QrDetection,
  QrDetector,
  type QrDrawing,
  type QrFound,
  scanned,
  WHATSAPP_STATE_PATTERNS,
  type WhatsappState,
} from './whatsapp/index.js';
