import 'reflect-metadata';
import { createRequire } from 'node:module';
import { type INestApplication, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { AdminAuditRepository, InstanceRepository, PlanRepository, RoleRepository, SessionTransferRepository, UserRepository } from '@zapdeploy/db';
import express from 'express';
import { AdminAccessController } from './admin/access/admin-access.controller.js';
import { AdminAccess } from './admin/access/admin-access.js';
import { AdminsService } from './admin/access/admins.service.js';
import { AuditLogService } from './admin/access/audit-log.service.js';
import { ClusterService } from './admin/cluster.service.js';
import { ClustersController } from './admin/clusters.controller.js';
import { FinanceController } from './admin/finance/finance.controller.js';
import { FinanceService } from './admin/finance/finance.service.js';
import { AdminInstanceService } from './admin/instances/admin-instance.service.js';
import { AdminInstancesController } from './admin/instances/admin-instances.controller.js';
import { PermissionGuard } from './admin/permission.guard.js';
import { AdminPlanService } from './admin/plans/admin-plan.service.js';
import { AdminPlansController } from './admin/plans/admin-plans.controller.js';
import { UserAdminService } from './admin/users/user-admin.service.js';
import { AdminUsersController } from './admin/users/users.controller.js';
import { AccountController } from './auth/account.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { authBridge } from './auth/auth-bridge.js';
import { PrincipalResolver } from './auth/principal-resolver.js';
import {
  API_CONFIG,
  AUTH,
  BILLING,
  GITHUB_WEBHOOK_SECRET,
  LOG_STORE,
  PAYMENTS,
  READINESS,
  SESSION_ARCHIVES,
  TRUSTED_ORIGINS,
  WEBHOOK_DELIVERIES,
} from './auth/tokens.js';
import { BillingController } from './billing/billing.controller.js';
import { GithubController } from './github/github.controller.js';
import { GithubAccess } from './github/github-access.js';
import { GithubWebhookController } from './github/webhook.controller.js';
import { HealthController } from './health/health.controller.js';
import { JsonBodyInterceptor, rawBodyMiddleware } from './http/body-parser.js';
import { HttpProblem } from './http/http-problem.js';
import { buildOpenApiDocument, DOCS_HTML, DOCS_INIT_JS } from './http/openapi.js';
import { ProblemFilter, sendProblem } from './http/problem.filter.js';
import { rateLimitMiddleware } from './http/rate-limit.js';
import { requestIdMiddleware } from './http/request-id.js';
import type { Platform } from './infrastructure/platform.js';
import { InstanceService } from './instances/instance.service.js';
import { InstancesController } from './instances/instances.controller.js';
import { RepoInspectController } from './instances/repo-inspect.controller.js';
import { RepoInspector } from './instances/repo-inspector.js';
import { LogsController } from './logs/logs.controller.js';
import { StreamLimiter } from './logs/stream-limiter.js';
import { PlansController } from './plans/plans.controller.js';
import { TokenService } from './tokens/token.service.js';
import { TokensController } from './tokens/tokens.controller.js';
import { WhatsappController } from './whatsapp/whatsapp.controller.js';

/** GitHub push payloads can be large; Mercado Pago's are small. */
const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/** Builds the HTTP application around an opened platform (tests pass their own). */
export async function createApiApp(platform: Platform): Promise<INestApplication> {
  const server = express();
  server.disable('x-powered-by');
  server.set('trust proxy', 'loopback');
  server.use((_request, response, next) => {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
    next();
  });
  server.use('/api', requestIdMiddleware());
  server.use(
    '/api',
    rateLimitMiddleware(
      {
        perMinute: platform.config.rateLimitPerMinute,
        authPerMinute: platform.config.authRateLimitPerMinute,
        ipnPerMinute: platform.config.ipnRateLimitPerMinute,
        guestsPerHour: platform.config.guestRateLimitPerHour,
        keyPrefix: platform.config.infra.redisPrefix,
      },
      platform.redis,
    ),
  );
  // Better Auth's routes are public (sign-in, sign-up): their bodies are small and capped.
  server.all('/api/auth/{*path}', authBridge(platform.auth, platform.config.publicUrl));
  // Webhook signatures cover the raw body: keep it as bytes (public routes, checked by signature).
  server.use('/api/webhooks', rawBodyMiddleware(WEBHOOK_BODY_LIMIT));
  // Every other body is read after the guard (JsonBodyInterceptor), or streamed by its handler (session restores).
  mountDocs(server, platform.config.publicUrl);

  @Module({
    controllers: [
      HealthController,
      AccountController,
      TokensController,
      PlansController,
      // Before InstancesController: its `:id/:action` would otherwise take `:id/checkout`.
      BillingController,
      InstancesController,
      RepoInspectController,
      LogsController,
      GithubController,
      GithubWebhookController,
      WhatsappController,
      ClustersController,
      AdminInstancesController,
      AdminAccessController,
      AdminUsersController,
      AdminPlansController,
      FinanceController,
    ],
    providers: [
      { provide: AUTH, useValue: platform.auth },
      { provide: API_CONFIG, useValue: platform.config },
      { provide: TRUSTED_ORIGINS, useValue: platform.config.trustedOrigins },
      { provide: READINESS, useValue: platform.readiness },
      { provide: PrincipalResolver, useValue: platform.resolver },
      { provide: UserRepository, useValue: platform.users },
      { provide: PlanRepository, useValue: platform.plans },
      { provide: InstanceService, useValue: platform.instanceService },
      { provide: RepoInspector, useValue: platform.inspector },
      { provide: TokenService, useValue: platform.tokenService },
      { provide: InstanceRepository, useValue: platform.instances },
      { provide: LOG_STORE, useValue: platform.logStore },
      { provide: StreamLimiter, useValue: new StreamLimiter({ perUser: platform.config.sseMaxPerUser, perIp: platform.config.sseMaxPerIp }) },
      { provide: GithubAccess, useValue: platform.github },
      { provide: GITHUB_WEBHOOK_SECRET, useValue: platform.config.github.webhookSecret },
      { provide: WEBHOOK_DELIVERIES, useValue: platform.webhookDeliveries },
      { provide: BILLING, useValue: platform.billing },
      { provide: SessionTransferRepository, useValue: platform.sessionTransfers },
      { provide: SESSION_ARCHIVES, useValue: platform.sessionArchives },
      { provide: PAYMENTS, useValue: platform.payments },
      { provide: RoleRepository, useValue: platform.roles },
      { provide: AdminAuditRepository, useValue: platform.adminAudit },
      { provide: ClusterService, useValue: platform.clusterService },
      { provide: AdminAccess, useValue: platform.adminAccess },
      { provide: AdminsService, useValue: platform.admins },
      { provide: AuditLogService, useValue: platform.auditLog },
      { provide: UserAdminService, useValue: platform.userAdmin },
      { provide: AdminInstanceService, useValue: platform.adminInstances },
      { provide: AdminPlanService, useValue: platform.adminPlans },
      { provide: FinanceService, useValue: platform.finance },
      // In this order: AuthGuard finds the caller, PermissionGuard checks admin routes' permissions.
      { provide: APP_GUARD, useClass: AuthGuard },
      { provide: APP_GUARD, useClass: PermissionGuard },
      { provide: APP_INTERCEPTOR, useClass: JsonBodyInterceptor },
      { provide: APP_FILTER, useClass: ProblemFilter },
    ],
  })
  class ApiModule {}

  const app = await NestFactory.create(ApiModule, new ExpressAdapter(server), { bodyParser: false, logger: ['error', 'warn'] });
  await app.init();
  // Errors thrown before Nest's routing (body parser) and unknown paths still answer problem+json.
  server.use('/api', (request: express.Request, response: express.Response) => sendProblem(response, request, { status: 404, code: 'route_not_found' }));
  server.use((error: { type?: string }, request: express.Request, response: express.Response, _next: express.NextFunction) => {
    if (error instanceof HttpProblem) return sendProblem(response, request, { status: error.status, code: error.code });
    if (error.type === 'entity.parse.failed') return sendProblem(response, request, { status: 400, code: 'malformed_json' });
    if (error.type === 'entity.too.large') return sendProblem(response, request, { status: 413, code: 'payload_too_large' });
    return sendProblem(response, request, { status: 500, code: 'internal_error' });
  });
  return app;
}

function mountDocs(server: express.Express, publicUrl: string): void {
  const require = createRequire(import.meta.url);
  const swaggerDir = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
  const document = buildOpenApiDocument(publicUrl);
  server.get('/api/openapi.json', (_request, response) => {
    response.json(document);
  });
  server.get('/api/docs', (_request, response) => {
    response.type('html').send(DOCS_HTML);
  });
  server.get('/api/docs/init.js', (_request, response) => {
    response.type('application/javascript').send(DOCS_INIT_JS);
  });
  server.use('/api/docs/assets', express.static(swaggerDir, { index: false }));
}
