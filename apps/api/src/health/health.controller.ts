import { Controller, Get, Inject, Logger, Res } from '@nestjs/common';
import type { ReadinessCheck } from '@zapdeploy/infra';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { READINESS } from '../auth/tokens.js';

const CHECK_TIMEOUT_MS = 2_000;

@Controller('api')
export class HealthController {
  private readonly logger = new Logger('readiness');

  constructor(@Inject(READINESS) private readonly checks: readonly ReadinessCheck[]) {}

  @Get('health')
  @Public()
  health() {
    return { status: 'ok' as const };
  }

  /** 200 when the database, the bus and the log store all answer; 503 naming what does not (`unavailable`, no details). */
  @Get('ready')
  @Public()
  async ready(@Res({ passthrough: true }) response: Response) {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (error) {
          // The reason stays in the server's log: driver messages name hosts, ports and users.
          this.logger.warn(`readiness: ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    response.status(ready ? 200 : 503);
    return { status: ready ? ('ready' as const) : ('unavailable' as const), checks: Object.fromEntries(results) };
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
