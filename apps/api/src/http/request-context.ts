import type { TokenScope } from '@zapdeploy/domain';
import type { Request } from 'express';

export type Principal = {
  readonly userId: string;
  readonly isGuest: boolean;
  readonly via: 'session' | 'token';
  /** What the caller may do: a session may do everything; a token what it was minted for. */
  readonly scope: TokenScope;
};

export type ApiRequest = Request & {
  principal?: Principal;
  /** Set by requestIdMiddleware. */
  requestId?: string;
  /** What the caller may administer (set by PermissionGuard on admin routes, read from Postgres for this request). */
  permissions?: readonly string[];
};
