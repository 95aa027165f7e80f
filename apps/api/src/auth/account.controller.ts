import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { Me } from '@zapdeploy/contracts';
import { UserRepository } from '@zapdeploy/db';
import { assertCanStartGuest, guestExpiresAt, MAX_DEV_INSTANCES_PER_USER } from '@zapdeploy/domain';
import { fromNodeHeaders } from 'better-auth/node';
import type { Response } from 'express';
import type { ApiConfig } from '../config.js';
import { HttpProblem } from '../http/http-problem.js';
import type { ApiRequest, Principal } from '../http/request-context.js';
import type { Auth } from './better-auth.js';
import { GUEST_EMAIL_DOMAIN } from './better-auth.js';
import { CurrentPrincipal } from './principal.decorator.js';
import { Public } from './public.decorator.js';
import { API_CONFIG, AUTH } from './tokens.js';

@Controller('api/v1')
export class AccountController {
  constructor(
    @Inject(AUTH) private readonly auth: Auth,
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** A guest session at once; a caller who already has a guest session gets it back. */
  @Post('guest')
  @Public()
  async guest(@Req() request: ApiRequest, @Res({ passthrough: true }) response: Response) {
    if (request.principal) {
      if (!request.principal.isGuest) throw new HttpProblem(409, 'already_signed_in');
      response.status(200);
      return { user: { id: request.principal.userId, isGuest: true as const } };
    }
    assertCanStartGuest(this.config.access.guests);
    const { headers, response: result } = await this.auth.api.signInAnonymous({ headers: fromNodeHeaders(request.headers), returnHeaders: true });
    for (const cookie of headers.getSetCookie()) response.append('set-cookie', cookie);
    response.status(201);
    return { user: { id: result?.user.id ?? '', isGuest: true as const } };
  }

  /** What this install offers, for the sign-in page and the new-instance form. */
  @Get('config')
  @Public()
  async features() {
    const { access } = this.config;
    return {
      githubSignIn: this.config.github.oauth !== undefined,
      githubApp: this.config.github.app !== undefined,
      requireEmailVerification: this.config.requireEmailVerification,
      publicSignups: access.publicSignups,
      guests: access.guests,
      guestTtlDays: access.guestTtlDays,
      /** open: anyone; first-account: this local install has no account yet; restricted: only addresses the operator allowed. */
      signups: access.publicSignups
        ? ('open' as const)
        : access.localOnly && (await this.users.countAccounts()) === 0
          ? ('first-account' as const)
          : ('restricted' as const),
    };
  }

  @Get('me')
  async me(@CurrentPrincipal() principal: Principal): Promise<Me> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new HttpProblem(401, 'unauthenticated');
    return {
      user: {
        id: user.id,
        name: user.name,
        email: user.isGuest || user.email.endsWith(`@${GUEST_EMAIL_DOMAIN}`) ? null : user.email,
        emailVerified: user.emailVerified,
        image: user.image,
        isGuest: user.isGuest,
        adminFlags: [...user.adminFlags],
        createdAt: user.createdAt.toISOString(),
        guestExpiresAt: user.isGuest ? guestExpiresAt(user.lastActiveAt, this.config.access.guestTtlDays).toISOString() : null,
      },
      authenticatedBy: principal.via,
      scope: principal.scope,
      limits: user.isGuest
        ? { maxInstances: 1, allowedPlanTiers: ['dev'] }
        : { maxInstances: null, allowedPlanTiers: MAX_DEV_INSTANCES_PER_USER > 0 ? ['dev', 'production'] : ['production'] },
    };
  }
}
