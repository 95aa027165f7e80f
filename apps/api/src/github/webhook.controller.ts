import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { WebhookDeliveryRepository } from '@zapdeploy/db';
import { verifyWebhookSignature } from '@zapdeploy/github';
import type { Request } from 'express';
import { z } from 'zod';
import { Public } from '../auth/public.decorator.js';
import { GITHUB_WEBHOOK_SECRET, WEBHOOK_DELIVERIES } from '../auth/tokens.js';
import { HttpProblem } from '../http/http-problem.js';
import { InstanceService } from '../instances/instance.service.js';

const PushSchema = z.object({
  ref: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: z.object({ html_url: z.string(), clone_url: z.string().optional(), default_branch: z.string() }),
});

/** GitHub webhooks: a push to an instance's branch redeploys it. The raw body is signed (X-Hub-Signature-256). */
@Controller('api/webhooks')
export class GithubWebhookController {
  constructor(
    @Inject(GITHUB_WEBHOOK_SECRET) private readonly secret: string | undefined,
    @Inject(WEBHOOK_DELIVERIES) private readonly deliveries: WebhookDeliveryRepository,
    @Inject(InstanceService) private readonly instances: InstanceService,
  ) {}

  @Post('github')
  @Public()
  @HttpCode(202)
  async github(@Req() request: Request) {
    if (!this.secret) throw new HttpProblem(503, 'github_not_configured');
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (!verifyWebhookSignature(raw, header(request, 'x-hub-signature-256'), this.secret)) throw new HttpProblem(401, 'webhook_signature_invalid');
    const event = header(request, 'x-github-event');
    const delivery = header(request, 'x-github-delivery');
    if (event === 'ping') return { ok: true };
    if (event !== 'push') return { ignored: event ?? 'unknown' };
    let payload: z.infer<typeof PushSchema>;
    try {
      payload = PushSchema.parse(JSON.parse(raw.toString('utf8')));
    } catch {
      throw new HttpProblem(422, 'validation_failed');
    }
    if (payload.deleted || !payload.ref.startsWith('refs/heads/')) return { redeployed: 0 };
    const branch = payload.ref.slice('refs/heads/'.length);
    const urls = [payload.repository.html_url, ...(payload.repository.clone_url ? [payload.repository.clone_url] : [])];
    // The delivery is recorded in the redeploy's transaction: a failed redeploy leaves it unseen, so GitHub's retry works.
    const redeployed = await this.instances.redeployFromPush(urls, branch, branch === payload.repository.default_branch, payload.after, (tx) =>
      delivery ? this.deliveries.firstTime('github', delivery, tx) : Promise.resolve(true),
    );
    if (!redeployed) return { duplicate: true, redeployed: 0 };
    return { redeployed: redeployed.length };
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
