import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { isSystemMessageCode, renderSystemMessage, routes, type SystemMessageLocale } from '@zapdeploy/contracts';
import { InstanceRepository } from '@zapdeploy/db';
import { notFound } from '@zapdeploy/domain';
import { isStreamId, type LogStore, logKeys, type StoredLogEntry } from '@zapdeploy/logstore';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { LOG_STORE } from '../auth/tokens.js';
import { HttpProblem } from '../http/http-problem.js';
import { negotiateLocale } from '../http/messages.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { streamSse, wantsStream } from './sse.js';
import { StreamLimiter } from './stream-limiter.js';

type LogQuery = typeof routes.instanceLogs.query._zod.output;
const idPipe = new ZodPipe(routes.instanceLogs.params, 'params');
const queryPipe = new ZodPipe(routes.instanceLogs.query, 'query');

/** What the platform said is said in the reader's language; everything else exactly as it was printed. */
function lineIn(entry: StoredLogEntry, locale: SystemMessageLocale): string {
  const message = entry.message;
  return message && isSystemMessageCode(message.code) ? renderSystemMessage(message.code, message.params, locale) : entry.line;
}

@Controller('api/v1')
export class LogsController {
  constructor(
    @Inject(InstanceRepository) private readonly instances: InstanceRepository,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(StreamLimiter) private readonly limiter: StreamLimiter,
  ) {}

  @Get('instances/:id/logs')
  async instanceLogs(
    @CurrentPrincipal() principal: Principal,
    @Param(idPipe) params: { id: string },
    @Query(queryPipe) query: LogQuery,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    if (!(await this.instances.findOwned(principal.userId, params.id))) throw notFound('instance');
    await this.serve(principal, logKeys.instance(params.id), query, request, response);
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
    await this.serve(principal, logKeys.deployment(params.id), query, request, response);
  }

  /** Status changes of the caller's instances, live. */
  @Get('events')
  async events(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res() response: Response) {
    await this.limited(principal, request, () =>
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

  /** Runs a live stream if the caller (user and IP) is under their limit of open streams; 429 otherwise. */
  private async limited(principal: Principal, request: Request, stream: () => Promise<void>): Promise<void> {
    const slot = this.limiter.acquire(principal.userId, request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if ('refused' in slot) throw new HttpProblem(429, 'too_many_streams', { max: slot.max }, undefined, { 'retry-after': '10' });
    try {
      await stream();
    } finally {
      slot.release();
    }
  }

  private async serve(principal: Principal, key: string, query: LogQuery, request: Request, response: Response): Promise<void> {
    const locale = query.lang ?? negotiateLocale(request.headers['accept-language']);
    if (wantsStream(request, query.follow)) {
      await this.limited(principal, request, () =>
        streamSse(request, response, {
          store: this.store,
          key,
          after: lastEventId(request) ?? query.after,
          backlog: query.limit,
          gapLine: renderSystemMessage('lines_skipped', {}, locale),
          event: (entry) => ({ name: 'log', data: { ts: entry.ts, stream: entry.stream, line: lineIn(entry, locale) } }),
        }),
      );
      return;
    }
    const items = query.after ? await this.store.read(key, { after: query.after, limit: query.limit }) : await this.store.tail(key, query.limit);
    response.json({ items: items.map((entry) => ({ id: entry.id, ts: entry.ts, stream: entry.stream, line: lineIn(entry, locale) })) });
  }
}

function lastEventId(request: Request): string | undefined {
  const header = request.headers['last-event-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && isStreamId(value) ? value : undefined;
}
