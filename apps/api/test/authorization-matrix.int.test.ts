import { SHIPPED_FLAGS_FILE } from '@zapdeploy/api';
import { type RouteDef, routes } from '@zapdeploy/contracts';
import { ADMIN_AREA_NAMES, type AdminArea, areaOf, type Permission } from '@zapdeploy/domain';
import { type MercadoPagoStandIn, startMercadoPagoStandIn } from '@zapdeploy/test-support/stand-ins/mercadopago';
import { startTestApi, type TestApi } from '@zapdeploy/test-support/support/api-harness';
import { TestClient } from '@zapdeploy/test-support/support/http-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every route of the contract (packages/contracts/src/routes.ts) × every kind of caller → what it may do.
 * The table below is the policy; a route added to the contract without a row here fails the first test.
 *
 * Callers: anonymous; a guest; another signed-in user; the owner (session cookie); the owner's API tokens with
 * each scope; an administrator (ZAPDEPLOY_SUPERADMINS: the `owner` role, every permission). Expected answers: 401
 * without credentials; 403 for a token whose scope is too small; 404 for an instance, deployment, token or transfer of
 * someone else (never 403: existence is not revealed); anything but 401/403 (and 404 for owned resources) for a caller
 * who may act — validation may still say 400/422.
 *
 * Admin routes (`auth: 'admin'` in the contract, whoever adds them) need no row: their rule comes from the contract. A
 * route is open to a role holding its permission AND the flag of the permission's area (`admin.<area>`, evaluated here
 * by flagd from the flags file that ships with the platform); a route without a permission to anyone with an area.
 * Their callers, besides those above: an administrator of each single area (the role `area-<area>`: its flag is on),
 * and one whose role grants the cluster permissions but not through an area role (the flag is off for them): 401
 * without credentials, 403 for everyone but the owner and the area's administrator.
 */

type Scope = 'read' | 'deploy' | 'full';
type Rule =
  | { readonly kind: 'public' }
  /** Open to anyone, but acted on only with the sender's signature or a verifiable id (webhooks): a 4xx here. */
  | { readonly kind: 'signed' }
  | {
      readonly kind: 'user';
      readonly scope: Scope;
      /** The path names a resource of the owner: others get 404. */
      readonly owned: boolean;
      /** Guests may not (403 for them): the action needs an account. */
      readonly noGuests?: boolean;
      /** Consumes the resource: each caller allowed to act gets a fresh one. */
      readonly consumes?: 'instance' | 'token';
    }
  /**
   * An operator route (from the contract): only a user whose roles hold `permission` and for whom its area's flag is on
   * (any area when there is no permission); 403 `forbidden` for every other user and token.
   */
  | { readonly kind: 'admin'; readonly permission: Permission | undefined };

const POLICY: Record<string, Rule> = {
  'GET /api/health': { kind: 'public' },
  'GET /api/ready': { kind: 'public' },
  'POST /api/v1/guest': { kind: 'public' },
  'POST /api/auth/sign-up/email': { kind: 'public' },
  'POST /api/auth/sign-in/email': { kind: 'public' },
  'POST /api/auth/sign-in/social': { kind: 'public' },
  'GET /api/v1/plans': { kind: 'public' },
  'GET /api/v1/config': { kind: 'public' },
  'POST /api/webhooks/mercadopago': { kind: 'signed' },
  'POST /api/webhooks/github': { kind: 'signed' },
  // Ends the session of the cookie sent; without one there is nothing to end (200). Cookie callers: checked last.
  'POST /api/auth/sign-out': { kind: 'public' },
  'GET /api/v1/me': { kind: 'user', scope: 'read', owned: false },
  'POST /api/v1/tokens': { kind: 'user', scope: 'full', owned: false },
  'GET /api/v1/tokens': { kind: 'user', scope: 'read', owned: false },
  'DELETE /api/v1/tokens/{id}': { kind: 'user', scope: 'full', owned: true, consumes: 'token' },
  'POST /api/v1/instances': { kind: 'user', scope: 'deploy', owned: false },
  'GET /api/v1/instances': { kind: 'user', scope: 'read', owned: false },
  'GET /api/v1/instances/{id}': { kind: 'user', scope: 'read', owned: true },
  'PATCH /api/v1/instances/{id}': { kind: 'user', scope: 'deploy', owned: true },
  'DELETE /api/v1/instances/{id}': { kind: 'user', scope: 'full', owned: true, consumes: 'instance' },
  'POST /api/v1/instances/{id}/pause': { kind: 'user', scope: 'deploy', owned: true },
  'POST /api/v1/instances/{id}/resume': { kind: 'user', scope: 'deploy', owned: true },
  'POST /api/v1/instances/{id}/redeploy': { kind: 'user', scope: 'deploy', owned: true },
  'POST /api/v1/instances/{id}/restart': { kind: 'user', scope: 'deploy', owned: true },
  'GET /api/v1/instances/{id}/env': { kind: 'user', scope: 'full', owned: true },
  'GET /api/v1/instances/{id}/whatsapp': { kind: 'user', scope: 'deploy', owned: true },
  'POST /api/v1/instances/{id}/whatsapp/reset': { kind: 'user', scope: 'full', owned: true },
  'POST /api/v1/instances/{id}/checkout': { kind: 'user', scope: 'full', owned: true },
  'GET /api/v1/instances/{id}/payments': { kind: 'user', scope: 'read', owned: true },
  'POST /api/v1/repositories/inspect': { kind: 'user', scope: 'deploy', owned: false },
  'POST /api/v1/instances/{id}/whatsapp/session/backup': { kind: 'user', scope: 'full', owned: true },
  'POST /api/v1/instances/{id}/whatsapp/session/restore': { kind: 'user', scope: 'full', owned: true },
  'GET /api/v1/instances/{id}/whatsapp/session/transfers/{transferId}': { kind: 'user', scope: 'full', owned: true },
  'GET /api/v1/instances/{id}/whatsapp/session/transfers/{transferId}/download': { kind: 'user', scope: 'full', owned: true },
  'GET /api/v1/instances/{id}/deployments': { kind: 'user', scope: 'read', owned: true },
  'GET /api/v1/instances/{id}/logs': { kind: 'user', scope: 'read', owned: true },
  'GET /api/v1/deployments/{id}/logs': { kind: 'user', scope: 'read', owned: true },
  'GET /api/v1/events': { kind: 'user', scope: 'read', owned: false },
  'GET /api/v1/github/repos': { kind: 'user', scope: 'read', owned: false },
};

const keyOf = (route: RouteDef) => `${route.method.toUpperCase()} ${route.path}`;
/** Every admin route of the contract, its rule from the contract itself. */
const ADMIN_POLICY: Record<string, Rule> = Object.fromEntries(
  (Object.values(routes) as RouteDef[])
    .filter((route) => route.auth === 'admin')
    .map((route) => [keyOf(route), { kind: 'admin', permission: route.permission as Permission | undefined }]),
);

const SCOPES: readonly Scope[] = ['read', 'deploy', 'full'];
const RANK: Record<Scope, number> = { read: 0, deploy: 1, full: 2 };
type Caller = 'anonymous' | 'guest' | 'other' | 'owner' | 'admin' | `token:${Scope}` | `area:${AdminArea}` | 'role-without-flag';
const CALLERS: readonly Caller[] = ['anonymous', 'guest', 'other', ...SCOPES.map((s) => `token:${s}` as const), 'owner', 'admin'];
/** Callers of admin routes only (elsewhere they are signed-in users like `other`). */
const ADMIN_CALLERS: readonly Caller[] = [...CALLERS, ...ADMIN_AREA_NAMES.map((area) => `area:${area}` as const), 'role-without-flag'];

const contract = (Object.values(routes) as RouteDef[]).map((route) => ({ route, key: keyOf(route) }));

let api: TestApi;
let mercadoPago: MercadoPagoStandIn;
let owner: TestClient;
let other: TestClient;
let guest: TestClient;
let admin: TestClient;
const tokens = new Map<Scope, string>();
let instanceId = '';
let deploymentId = '';
let transferId = '';
let instances = 0;
const areaAdmins = new Map<AdminArea, TestClient>();
let roleWithoutFlag: TestClient;
/** What admin routes act on: an instance and an account of their own, so that no admin action touches the rest. */
let adminTargetInstanceId = '';
let adminTargetUserId = '';

async function signUpWithId(email: string): Promise<{ client: TestClient; id: string }> {
  const client = new TestClient(api.url);
  const response = await client.post('/api/auth/sign-up/email', { email, password: 'cavalo-bateria-grampo', name: email.split('@')[0] });
  expect(response.status).toBe(200);
  return { client, id: (response.body.user as { id: string }).id };
}

async function signUp(email: string): Promise<TestClient> {
  return (await signUpWithId(email)).client;
}

async function newInstance(): Promise<{ id: string; deploymentId: string }> {
  instances += 1;
  const created = await owner.post('/api/v1/instances', { name: `matriz-${instances}`, repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const deployments = await owner.get(`/api/v1/instances/${id}/deployments`);
  return { id, deploymentId: (deployments.body.items as { id: string }[])[0]?.id ?? '' };
}

async function newToken(): Promise<string> {
  const created = await owner.post('/api/v1/tokens', { name: `t-${Date.now()}-${Math.random()}`, scope: 'full' });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

beforeAll(async () => {
  mercadoPago = await startMercadoPagoStandIn();
  api = await startTestApi({
    mode: 'full',
    payments: true,
    env: {
      // Both webhooks configured, so that they answer what they answer in production: unsigned → 401.
      GITHUB_WEBHOOK_SECRET: 'matrix-github-webhook-secret',
      MERCADOPAGO_ACCESS_TOKEN: mercadoPago.accessToken,
      MERCADOPAGO_WEBHOOK_SECRET: mercadoPago.webhookSecret,
      MERCADOPAGO_API_URL: mercadoPago.url,
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      ZAPDEPLOY_GUESTS: 'true',
      ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: '1000000',
      ZAPDEPLOY_AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      ZAPDEPLOY_GUEST_RATE_LIMIT_PER_HOUR: '1000000',
      ZAPDEPLOY_SUPERADMINS: 'chefe@example.com',
    },
  });
  owner = await signUp('dona@example.com');
  other = await signUp('outro@example.com');
  admin = await signUp('chefe@example.com');
  guest = new TestClient(api.url);
  expect((await guest.post('/api/v1/guest')).status).toBe(201);
  for (const scope of SCOPES) {
    const created = await owner.post('/api/v1/tokens', { name: `matrix-${scope}`, scope });
    expect(created.status).toBe(201);
    tokens.set(scope, created.body.token as string);
  }
  ({ id: instanceId, deploymentId } = await newInstance());
  ({ id: adminTargetInstanceId } = await newInstance());
  for (const area of ADMIN_AREA_NAMES) {
    const { client, id } = await signUpWithId(`area-${area}@example.com`);
    await api.platform.roles.grant(id, `area-${area}`, null);
    areaAdmins.set(area, client);
  }
  // A seeded role holding clusters.read, clusters.write and instances.write, but not an area role: the flags are off.
  const withoutFlag = await signUpWithId('sem-flag@example.com');
  await api.platform.roles.grant(withoutFlag.id, 'clusters-admin', null);
  roleWithoutFlag = withoutFlag.client;
  ({ id: adminTargetUserId } = await signUpWithId('alvo@example.com'));
  const backup = await owner.post(`/api/v1/instances/${instanceId}/whatsapp/session/backup`);
  expect(backup.status).toBe(202);
  transferId = backup.body.id as string;
});
afterAll(async () => {
  await api?.close();
  await mercadoPago?.close();
});

function clientOf(caller: Caller): TestClient {
  if (caller === 'anonymous') return new TestClient(api.url);
  if (caller === 'guest') return guest;
  if (caller === 'other') return other;
  if (caller === 'owner') return owner;
  if (caller === 'admin') return admin;
  if (caller === 'role-without-flag') return roleWithoutFlag;
  if (caller.startsWith('area:')) {
    const client = areaAdmins.get(caller.slice(5) as AdminArea);
    if (!client) throw new Error(`no administrator for ${caller}`);
    return client;
  }
  return new TestClient(api.url).withToken(tokens.get(caller.slice(6) as Scope) ?? '');
}

/** Valid bodies where the contract asks for one, so that ownership is what decides (validation comes first). */
const BODIES: Record<string, unknown> = {
  'PATCH /api/v1/instances/{id}': { name: 'renomeada' },
  'POST /api/v1/instances/{id}/checkout': { planId: 'plan_bot', method: 'pix' },
  'POST /api/v1/admin/clusters': { name: 'matriz', kind: 'docker', region: 'local', credentials: 'unix:///var/run/docker.sock' },
  'PATCH /api/v1/admin/clusters/{id}': { status: 'cordoned' },
  'POST /api/v1/admin/instances/{id}/move': { clusterId: 'clu_nope' },
  // An account with no role: no area is given (a caller allowed to act leaves it as it was).
  'PUT /api/v1/admin/admins/{userId}': { areas: [] },
  'PATCH /api/v1/admin/users/{id}': { maxInstances: 3 },
  'POST /api/v1/admin/users/{id}/suspend': { reason: 'matriz de autorização' },
};

/** Status only: streams (SSE) are cut as soon as the headers arrive. */
async function statusOf(caller: Caller, method: string, path: string, body: unknown = {}): Promise<{ status: number; code?: string }> {
  const client = clientOf(caller);
  const controller = new AbortController();
  const headers: Record<string, string> = { ...client.headers(), origin: api.url, 'content-type': 'application/json' };
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers,
    body: method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify(body),
    signal: controller.signal,
  });
  const type = response.headers.get('content-type') ?? '';
  let code: string | undefined;
  if (type.includes('problem+json')) code = ((await response.json()) as { code?: string }).code;
  controller.abort();
  return { status: response.status, ...(code ? { code } : {}) };
}

/** What a caller must get for a route; `allowed` means anything but a refusal. */
function expected(rule: Rule, caller: Caller): { status?: number; clientError?: true; allowed?: true; notFound?: false } {
  if (rule.kind === 'public') return { allowed: true };
  if (rule.kind === 'signed') return { clientError: true };
  if (caller === 'anonymous') return { status: 401 };
  if (rule.kind === 'admin') {
    if (caller === 'admin') return { allowed: true };
    if (caller.startsWith('area:')) {
      const area = caller.slice(5) as AdminArea;
      return rule.permission === undefined || areaOf(rule.permission) === area ? { allowed: true } : { status: 403 };
    }
    return { status: 403 };
  }
  if (caller.startsWith('token:') && RANK[caller.slice(6) as Scope] < RANK[rule.scope]) return { status: 403 };
  if (caller === 'guest' && rule.noGuests) return { status: 403 };
  if ((caller === 'guest' || caller === 'other' || caller === 'admin') && rule.owned) return { status: 404 };
  return rule.owned ? { allowed: true, notFound: false } : { allowed: true };
}

describe('the authorization matrix', () => {
  it('has a policy row for every route of the contract, and no row for a route that does not exist', () => {
    const keys = contract.map((c) => c.key).sort();
    expect(keys.filter((key) => !(key in POLICY) && !(key in ADMIN_POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((key) => !keys.includes(key))).toEqual([]);
    // Admin routes are ruled by the contract, each naming a permission of an area (or none: any area); a row written
    // here for one anyway must say the same.
    const disagreeing = Object.keys(POLICY).filter((key) => key in ADMIN_POLICY && JSON.stringify(POLICY[key]) !== JSON.stringify(ADMIN_POLICY[key]));
    expect(disagreeing).toEqual([]);
    const unruled = Object.entries(ADMIN_POLICY).filter(([, rule]) => rule.kind === 'admin' && rule.permission !== undefined && !areaOf(rule.permission));
    expect(unruled.map(([key]) => key)).toEqual([]);
    expect(Object.keys(ADMIN_POLICY)).toContain('GET /api/v1/admin/me');
  });

  it('evaluates the console flags with flagd from the flags file that ships with the platform', () => {
    expect(api.platform.config.flags).toEqual({ source: 'file', path: SHIPPED_FLAGS_FILE });
  });

  it('answers every caller of every route as the policy says', async () => {
    const mismatches: string[] = [];
    for (const { route, key } of contract) {
      const rule = ADMIN_POLICY[key] ?? POLICY[key];
      if (!rule) continue;
      for (const caller of rule.kind === 'admin' ? ADMIN_CALLERS : CALLERS) {
        const want = expected(rule, caller);
        // A caller allowed to consume the resource gets one of its own; the shared ones stay for the others.
        let id = instanceId;
        let deployment = deploymentId;
        if (rule.kind === 'user' && rule.consumes === 'instance' && want.allowed) ({ id, deploymentId: deployment } = await newInstance());
        if (rule.kind === 'user' && rule.consumes === 'token') id = await newToken();
        if (key === 'POST /api/auth/sign-out' && ['guest', 'other', 'owner', 'admin'].includes(caller)) continue; // would end the session: checked last
        if (rule.kind === 'admin') id = adminTargetInstanceId;
        const path = route.path
          .replace('{transferId}', transferId)
          .replace('{userId}', adminTargetUserId)
          .replace('{id}', key.startsWith('GET /api/v1/deployments/') ? deployment : id);
        const got = await statusOf(caller, route.method.toUpperCase(), path, BODIES[key]);
        const refused = got.status === 401 || got.status === 403 || (want.notFound === false && got.status === 404) || got.status >= 500;
        const ok = want.status !== undefined ? got.status === want.status : want.clientError ? got.status >= 400 && got.status < 500 : !refused;
        if (!ok)
          mismatches.push(
            `${key} as ${caller}: got ${got.status}${got.code ? ` ${got.code}` : ''}, want ${want.status ?? (want.clientError ? '4xx' : 'allowed')}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('signs each session out last, and the session is gone', async () => {
    for (const client of [guest, other, owner, admin]) {
      expect((await client.post('/api/auth/sign-out')).status).toBe(200);
      expect((await client.get('/api/v1/me')).status).toBe(401);
    }
  });
});
