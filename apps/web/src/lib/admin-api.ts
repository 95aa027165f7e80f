/** The operator console's API shapes (ADMIN-CONTRACT.md; zod schemas in packages/contracts). Money: BRL cents. */

export const ADMIN_AREAS = ['clusters', 'users', 'instances', 'plans', 'finance', 'admins'] as const;
export type AdminArea = (typeof ADMIN_AREAS)[number];

export type AdminMe = { userId: string; email: string; areas: AdminArea[]; permissions: string[]; owner: boolean };

export type Page<T> = { items: T[]; nextCursor: string | null };

type Resources = { memoryMb: number; cpuMillis: number };
export type Cluster = {
  id: string;
  name: string;
  kind: 'docker' | 'kubernetes' | 'process';
  region: string;
  status: 'active' | 'cordoned' | 'draining';
  registry: string | null;
  storageClass: string | null;
  monthlyCostCents: number;
  currency: 'BRL';
  capacity: Resources | null;
  allocatable: Resources | null;
  requested: Resources;
  instanceCount: number;
  lastCheckedAt: string | null;
  lastError: { reason: string; detail: string } | null;
  createdAt: string;
  updatedAt: string;
};
export type DrainReport = { moves: { instanceId: string; targetClusterId: string }[]; stuck: string[] };

export type UserSummary = {
  id: string;
  email: string;
  name: string;
  isGuest: boolean;
  suspended: boolean;
  instanceCount: number;
  createdAt: string;
  lastActiveAt: string | null;
};
export type AdminInstance = {
  id: string;
  name: string;
  ownerId: string;
  ownerEmail: string | null;
  guest: boolean;
  status: string;
  statusReason: string | null;
  desiredState: string;
  planId: string;
  planName: string;
  clusterId: string | null;
  clusterName: string | null;
  targetClusterId: string | null;
  billingState: string | null;
  paidUntil: string | null;
  createdAt: string;
  updatedAt: string;
};
export type UserDetail = UserSummary & {
  suspendedAt: string | null;
  suspendedReason: string | null;
  maxInstances: number | null;
  signInMethods: string[];
  instances: AdminInstance[];
  payments: {
    id: string;
    instanceId: string;
    planId: string;
    method: string;
    amountCents: number;
    status: string;
    approvedAt: string | null;
    createdAt: string;
  }[];
};
export type AdminInstanceDetail = AdminInstance & {
  repoUrl: string;
  branch: string | null;
  deployments: {
    id: string;
    number: number;
    status: string;
    trigger: string;
    commitSha: string | null;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
  }[];
};

export type AdminPlan = {
  id: string;
  slug: string;
  name: string;
  tier: 'dev' | 'production';
  priceCents: number;
  cpuMillis: number;
  memoryMb: number;
  diskMb: number;
  archived: boolean;
  sortOrder: number;
  activeInstances: number;
  mrrCents: number;
};

export type Finance = {
  month: string;
  revenueCents: number;
  refundsCents: number;
  costCents: number;
  marginCents: number;
  projected: boolean;
  byPlan: { planId: string; planName: string; revenueCents: number; payments: number; allocatedCostCents: number }[];
  byMethod: { method: 'pix' | 'card'; revenueCents: number }[];
  byCluster: { clusterId: string; clusterName: string; costCents: number; activeDays: number; idleCostCents: number }[];
  costLines: { id: string; label: string; amountCents: number }[];
};
export type CostLine = { id: string; month: string; label: string; amountCents: number };

export type AdminEntry = { userId: string; email: string; name: string; areas: AdminArea[]; owner: boolean; grantedAt: string | null };

export type AuditEntry = {
  id: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  outcome: 'ok' | 'denied';
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
};

/** A query string from the set values only. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
