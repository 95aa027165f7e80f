import type { CreateToken } from '@zapdeploy/contracts';
import type { ApiTokenRecord, ApiTokenRepository, AuditRepository } from '@zapdeploy/db';
import { DomainError, notFound } from '@zapdeploy/domain';
import type { Principal } from '../http/request-context.js';
import { mintToken } from './token-codec.js';

const toDto = (token: ApiTokenRecord) => ({
  id: token.id,
  name: token.name,
  prefix: token.prefix,
  scope: token.scope,
  expiresAt: token.expiresAt?.toISOString() ?? null,
  createdAt: token.createdAt.toISOString(),
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** Personal API tokens: minted once, stored as SHA-256, scoped, expiring, revocable. */
export class TokenService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditRepository,
  ) {}

  async create(principal: Principal, input: CreateToken, now = new Date()) {
    if (principal.isGuest) throw new DomainError('forbidden', 'guest_cannot_create_tokens');
    const minted = mintToken();
    const expiresAt = input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * DAY_MS);
    const record = await this.tokens.create({
      userId: principal.userId,
      name: input.name,
      tokenHash: minted.hash,
      prefix: minted.prefix,
      scope: input.scope,
      expiresAt,
    });
    await this.audit.record({
      actorId: principal.userId,
      action: 'token.create',
      targetType: 'api_token',
      targetId: record.id,
      data: { scope: input.scope, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { ...toDto(record), token: minted.token };
  }

  async list(principal: Principal) {
    return { items: (await this.tokens.listActive(principal.userId)).map(toDto) };
  }

  async revoke(principal: Principal, id: string): Promise<void> {
    if (!(await this.tokens.revoke(principal.userId, id))) throw notFound('token');
    await this.audit.record({ actorId: principal.userId, action: 'token.revoke', targetType: 'api_token', targetId: id });
  }
}
