export { type DatabaseHandle, type DatabaseOptions, type Db, migrationsFolder, openDatabase, type Schema } from './database.js';
export { newId } from './ids.js';
export {
  type AdminAuditEntry,
  type AdminAuditFilter,
  type AdminAuditRecord,
  AdminAuditRepository,
  type AdminAuditView,
  redactSecrets,
} from './repositories/admin-audit.repository.js';
export {
  type AdminInstanceFilters,
  type AdminInstanceRecord,
  type AdminPaymentRecord,
  AdminPeopleRepository,
  type ChangedInstance,
  type UserSummaryRecord,
} from './repositories/admin-people.repository.js';
export { type ApiTokenRecord, ApiTokenRepository, type TokenResolution, type TokenScopeValue } from './repositories/api-token.repository.js';
export { type AuditEntry, AuditRepository } from './repositories/audit.repository.js';
export {
  type BillingRecord,
  BillingRepository,
  type CheckoutRecord,
  type ClaimedNotification,
  type NewCheckout,
  type PaymentRecord,
} from './repositories/billing.repository.js';
export {
  CLUSTER_CREDENTIALS_PURPOSE,
  type ClusterChanges,
  type ClusterRecord,
  ClusterRepository,
  type ClusterUsage,
  DEFAULT_CLUSTER_NAME,
  type NewCluster,
} from './repositories/cluster.repository.js';
export { type CostLineRecord, FinanceRepository, type FinanceSources } from './repositories/finance.repository.js';
export { IdempotencyRepository, type StoredResponse } from './repositories/idempotency.repository.js';
export {
  type DeploymentRecord,
  type InstanceChanges,
  type InstanceRecord,
  InstanceRepository,
  isValidCursor,
  type NewInstance,
  type Page,
} from './repositories/instance.repository.js';
export { type Lease, LeaseRepository } from './repositories/lease.repository.js';
export { type OutboxMessage, OutboxRepository, type PendingMessage } from './repositories/outbox.repository.js';
export { type AdminPlanRecord, type CatalogPlan, type NewPlan, type PlanChanges, PlanRepository } from './repositories/plan.repository.js';
export { type RoleHolding, RoleRepository } from './repositories/role.repository.js';
export { type SessionTransfer, SessionTransferRepository } from './repositories/session-transfer.repository.js';
export { type UserRecord, UserRepository } from './repositories/user.repository.js';
export { WebhookDeliveryRepository } from './repositories/webhook-delivery.repository.js';
export { WorkerInstanceRepository, type WorkItem } from './repositories/worker-instance.repository.js';
export * as tables from './schema.js';
export { schema } from './schema.js';
export { SecretBox } from './secret-box.js';
