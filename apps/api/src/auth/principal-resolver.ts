import type { IncomingHttpHeaders } from 'node:http';
import type { ApiTokenRepository, UserRepository } from '@zapdeploy/db';
import { fromNodeHeaders } from 'better-auth/node';
import { HttpProblem } from '../http/http-problem.js';
import type { Principal } from '../http/request-context.js';
import { hashToken, looksLikeToken } from '../tokens/token-codec.js';
import type { Auth } from './better-auth.js';

/** Finds who is calling: a personal token (Authorization: Bearer) or a session cookie. */
export class PrincipalResolver {
  constructor(
    private readonly auth: Auth,
    private readonly tokens: ApiTokenRepository,
    private readonly users: UserRepository,
  ) {}

  async resolve(headers: IncomingHttpHeaders): Promise<Principal | undefined> {
    const authorization = headers.authorization;
    if (authorization) return this.fromBearer(authorization);
    const session = await this.auth.api.getSession({ headers: fromNodeHeaders(headers) });
    if (!session) return undefined;
    const user = await this.users.findById(session.user.id);
    if (!user) return undefined;
    if (user.suspended) throw new HttpProblem(403, 'account_suspended');
    // Each request is noted (to the hour): operators see when a user was last active, and idle guests expire from it.
    await this.users.touch(user.id);
    return { userId: user.id, isGuest: user.isGuest, via: 'session', scope: 'full' };
  }

  private async fromBearer(authorization: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match?.[1];
    const resolved = token && looksLikeToken(token) ? await this.tokens.resolve(hashToken(token)) : ({ kind: 'unknown' } as const);
    if (resolved.kind === 'expired') {
      throw new HttpProblem(401, 'token_expired', {}, undefined, { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' });
    }
    if (resolved.kind !== 'valid') throw new HttpProblem(401, 'unauthenticated', {}, undefined, { 'www-authenticate': 'Bearer error="invalid_token"' });
    const user = await this.users.findById(resolved.userId);
    if (!user) throw new HttpProblem(401, 'unauthenticated');
    await this.users.touch(user.id);
    return { userId: user.id, isGuest: user.isGuest, via: 'token', scope: resolved.scope };
  }
}
