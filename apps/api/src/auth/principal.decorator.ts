import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { HttpProblem } from '../http/http-problem.js';
import type { ApiRequest, Principal } from '../http/request-context.js';

/** The authenticated user of the request (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<ApiRequest>().principal;
  if (!principal) throw new HttpProblem(401, 'unauthenticated');
  return principal;
});
