import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { HttpProblem } from '../http/http-problem.js';
import type { ApiRequest } from '../http/request-context.js';

/** Who makes an administrative change, and from where (for the audit log). */
export type AdminActor = { readonly userId: string; readonly ip: string | null; readonly requestId: string | null };

export function adminActorOf(request: ApiRequest): AdminActor {
  if (!request.principal) throw new HttpProblem(401, 'unauthenticated');
  return { userId: request.principal.userId, ip: request.ip ?? null, requestId: request.requestId ?? null };
}

/** The administrator calling (PermissionGuard has checked their permission). */
export const CurrentAdmin = createParamDecorator(
  (_: unknown, context: ExecutionContext): AdminActor => adminActorOf(context.switchToHttp().getRequest<ApiRequest>()),
);
