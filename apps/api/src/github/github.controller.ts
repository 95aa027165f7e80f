import { Controller, Get, Inject } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../http/request-context.js';
import { GithubAccess } from './github-access.js';

@Controller('api/v1/github')
export class GithubController {
  constructor(@Inject(GithubAccess) private readonly github: GithubAccess) {}

  /** Repositories the user can deploy through the Zapdeploy GitHub App, and where to install it. */
  @Get('repos')
  async repos(@CurrentPrincipal() principal: Principal) {
    const repos = await this.github.repositories(principal.userId);
    return { items: repos, installUrl: this.github.installUrl };
  }
}
