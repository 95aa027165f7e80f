import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { assertScope, scopeCovers, type TokenScope } from '@zapdeploy/domain';
import { HttpProblem } from '../http/http-problem.js';
import type { ApiRequest } from '../http/request-context.js';
import { isTrustedRequestOrigin } from './origin-check.js';
import { PrincipalResolver } from './principal-resolver.js';
import { IS_PUBLIC } from './public.decorator.js';
import { REQUIRED_SCOPE } from './scope.decorator.js';
import { TRUSTED_ORIGINS } from './tokens.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: resolves the principal on every request (public routes too, so they can tell who
 * calls), refuses anonymous calls to private routes, refuses cookie-authenticated writes whose
 * origin is not trusted (CSRF), and refuses tokens whose scope does not cover the route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PrincipalResolver) private readonly resolver: PrincipalResolver,
    @Inject(TRUSTED_ORIGINS) private readonly trustedOrigins: readonly string[],
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ApiRequest>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]) ?? false;
    const principal = await this.resolver.resolve(request.headers);
    if (principal) request.principal = principal;
    if (!principal && !isPublic) throw new HttpProblem(401, 'unauthenticated');
    if (principal?.via === 'session' && !SAFE_METHODS.has(request.method) && !isTrustedRequestOrigin(request.headers, this.trustedOrigins)) {
      throw new HttpProblem(403, 'untrusted_origin');
    }
    if (principal) {
      const declared = this.reflector.getAllAndOverride<TokenScope | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]);
      const required = declared ?? (SAFE_METHODS.has(request.method) ? 'read' : 'full');
      // A public route is open to anyone: a token too narrow for it only stops counting as its owner there.
      if (!isPublic) assertScope(principal.scope, required);
      else if (!scopeCovers(principal.scope, required)) delete request.principal;
    }
    return true;
  }
}
