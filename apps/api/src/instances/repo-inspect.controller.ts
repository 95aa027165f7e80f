import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { SourceError } from '@zapdeploy/builder';
import { routes } from '@zapdeploy/contracts';
import type { Request } from 'express';
import type { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { RequiredScope } from '../auth/scope.decorator.js';
import { API_CONFIG } from '../auth/tokens.js';
import type { ApiConfig } from '../config.js';
import { GithubAccess } from '../github/github-access.js';
import { describeReason, negotiateLocale } from '../http/messages.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { RepoInspector } from './repo-inspector.js';

type InspectRequest = { repoUrl: string; branch?: string; rootDir?: string };
type InspectResult = z.infer<(typeof routes.inspectRepository.responses)[200]['schema']>;

/**
 * Looks at a repository before it is deployed (a shallow clone without a working tree, the same detection the
 * builder runs), so the new-instance form can say what will run, warn that a browser bot needs 512 MB, or say what
 * is missing. RepoInspector bounds the work (concurrency, per user, cache, size, time).
 */
@Controller('api/v1/repositories')
export class RepoInspectController {
  constructor(
    @Inject(RepoInspector) private readonly inspector: RepoInspector,
    @Inject(GithubAccess) private readonly github: GithubAccess,
  ) {}

  @RequiredScope('deploy')
  @Post('inspect')
  @HttpCode(200)
  async inspect(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(routes.inspectRepository.body, 'body')) body: InspectRequest,
    @Req() request: Request,
  ): Promise<InspectResult> {
    const locale = negotiateLocale(request.header('accept-language'));
    const problem = (code: string): InspectResult => ({ ok: false, problem: { code, detail: describeReason(code, locale) ?? code } });
    // Private GitHub repositories are cloned by workers with an installation token; here they are not looked into.
    if (await this.github.installationFor(principal.userId, body.repoUrl).catch(() => null)) return { ok: true };
    try {
      const { detection, branch } = await this.inspector.inspect(principal.userId, {
        repoUrl: body.repoUrl,
        branch: body.branch ?? null,
        rootDir: body.rootDir ?? '',
      });
      if (!detection.ok) return problem(detection.failure.code);
      const plan = detection.plan;
      return {
        ok: true,
        kind: plan.kind,
        branch,
        ...(plan.kind === 'node' ? { packageManager: plan.packageManager, chromium: plan.chromium, start: plan.start } : {}),
        ...(plan.kind === 'python' ? { start: plan.start, chromium: false } : {}),
      };
    } catch (error) {
      if (error instanceof SourceError) return problem(error.code);
      throw error;
    }
  }
}
