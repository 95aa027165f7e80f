import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import { InstanceRepository } from '@zapdeploy/db';
import { INITIAL_STATE, notFound, type WhatsappState } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import QRCode from 'qrcode';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { LOG_STORE } from '../auth/tokens.js';
import type { Principal } from '../http/request-context.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { InstanceService } from '../instances/instance.service.js';

@Controller('api/v1/instances')
export class WhatsappController {
  constructor(
    @Inject(InstanceRepository) private readonly instances: InstanceRepository,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(InstanceService) private readonly service: InstanceService,
  ) {}

  /** Log out of WhatsApp: the session folders are deleted and the bot restarts to pair again. */
  @Post(':id/whatsapp/reset')
  @HttpCode(202)
  async reset(@CurrentPrincipal() principal: Principal, @Param(new ZodPipe(routes.whatsapp.params, 'params')) params: { id: string }) {
    return { instance: await this.service.resetSession(principal, params.id) };
  }

  /** The bot's WhatsApp pairing, as read from its output: the QR as a clean SVG with its expiry, a pairing code, the connection. */
  @Get(':id/whatsapp')
  async whatsapp(@CurrentPrincipal() principal: Principal, @Param(new ZodPipe(routes.whatsapp.params, 'params')) params: { id: string }) {
    if (!(await this.instances.findOwned(principal.userId, params.id))) throw notFound('instance');
    const [last] = await this.store.tail(logKeys.whatsapp(params.id), 1);
    const state = last ? (JSON.parse(last.line) as WhatsappState) : INITIAL_STATE;
    const svg = state.qr
      ? await QRCode.toString(state.qr.payload, { type: 'svg', margin: 2, errorCorrectionLevel: 'L', color: { dark: '#000000', light: '#ffffff' } })
      : null;
    return {
      qr: state.qr && svg ? { ...state.qr, svg } : null,
      pairingCode: state.pairingCode,
      connection: state.connection,
      sessionPersisted: await this.instances.sessionPersistence(params.id),
    };
  }
}
