import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { type CreateToken, routes } from '@zapdeploy/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { TokenService } from './token.service.js';

@Controller('api/v1/tokens')
export class TokensController {
  constructor(@Inject(TokenService) private readonly service: TokenService) {}

  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(routes.createToken.body)) body: CreateToken) {
    return this.service.create(principal, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return this.service.list(principal);
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentPrincipal() principal: Principal, @Param(new ZodPipe(routes.revokeToken.params, 'params')) params: { id: string }) {
    await this.service.revoke(principal, params.id);
  }
}
