import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import { InstanceRepository } from '@zapdeploy/db';
import { notFound } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { LOG_STORE } from '../auth/tokens.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { type LogQuery, type LogServing, lastEventId, limitedStream, serveLog } from './log-serving.js';
import { streamSse } from './sse.js';
import { StreamLimiter } from './stream-limiter.js';

const idPipe = new ZodPipe(routes.instanceLogs.params, 'params');
const queryPipe = new ZodPipe(routes.instanceLogs.query, 'query');

@Controller('api/v1')
export class LogsController {
  private readonly serving: LogServing;

  constructor(
    @Inject(InstanceRepository) private readonly instances: InstanceRepository,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(StreamLimiter) limiter: StreamLimiter,
  ) {
    this.serving = { store, limiter };
  }

  @Get('instances/:id/logs')
  async instanceLogs(
    @CurrentPrincipal() principal: Principal,
    @Param(idPipe) params: { id: string },
    @Query(queryPipe) query: LogQuery,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    if (!(await this.instances.findOwned(principal.userId, params.id))) throw notFound('instance');
    await serveLog(this.serving, principal.userId, logKeys.instance(params.id), query, request, response);
  }

  @Get('deployments/:id/logs')
  async deploymentLogs(
    @CurrentPrincipal() principal: Principal,
    @Param(idPipe) params: { id: string },
    @Query(queryPipe) query: LogQuery,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    if (!(await this.instances.findDeploymentOwned(principal.userId, params.id))) throw notFound('deployment');
    await serveLog(this.serving, principal.userId, logKeys.deployment(params.id), query, request, response);
  }

  /** Status changes of the caller's instances, live. */
  @Get('events')
  async events(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res() response: Response) {
    await limitedStream(this.serving, principal.userId, request, () =>
      streamSse(request, response, {
        store: this.store,
        key: logKeys.userEvents(principal.userId),
        after: lastEventId(request),
        backlog: 0,
        event: (entry) => {
          const data = JSON.parse(entry.line) as { type?: string };
          return { name: data.type ?? 'instance.status', data };
        },
      }),
    );
  }
}
