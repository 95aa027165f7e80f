import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import { InstanceRepository, type SessionTransfer, SessionTransferRepository } from '@zapdeploy/db';
import { DomainError, INITIAL_STATE, notFound, type WhatsappState } from '@zapdeploy/domain';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import { normalizeSessionArchive, SessionArchiveError } from '@zapdeploy/runtime/session-archive';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { RequiredScope } from '../auth/scope.decorator.js';
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
    @Inject(SessionTransferRepository) private readonly transfers: SessionTransferRepository,
  ) {}

  /** Log out of WhatsApp: the session folders are deleted and the bot restarts to pair again. */
  @Post(':id/whatsapp/reset')
  @HttpCode(202)
  async reset(@CurrentPrincipal() principal: Principal, @Param(new ZodPipe(routes.whatsapp.params, 'params')) params: { id: string }) {
    return { instance: await this.service.resetSession(principal, params.id) };
  }

  /** Backs the session folders up; the archive is downloaded from the transfer once a worker has made it. */
  @Post(':id/whatsapp/session/backup')
  @HttpCode(202)
  async backup(@CurrentPrincipal() principal: Principal, @Param(new ZodPipe(routes.sessionBackup.params, 'params')) params: { id: string }) {
    return toTransferDto(await this.service.requestSessionTransfer(principal, params.id, 'backup'));
  }

  /** Restores a backup (.tar.gz): checked and re-packed here, applied by a worker (the bot stops, gets it, starts again). */
  @Post(':id/whatsapp/session/restore')
  @HttpCode(202)
  async restore(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(routes.sessionRestore.params, 'params')) params: { id: string },
    @Req() request: Request,
  ) {
    if (!(await this.instances.findOwned(principal.userId, params.id))) throw notFound('instance');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let archive: Buffer;
    try {
      archive = await normalizeSessionArchive(body);
    } catch (error) {
      if (error instanceof SessionArchiveError) throw new DomainError('invalid', 'session_archive_invalid', { reason: error.reason });
      throw error;
    }
    return toTransferDto(await this.service.requestSessionTransfer(principal, params.id, 'restore', archive));
  }

  @RequiredScope('full')
  @Get(':id/whatsapp/session/transfers/:transferId')
  async transfer(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(routes.sessionTransfer.params, 'params')) params: { id: string; transferId: string },
  ) {
    const transfer = await this.transfers.findOwned(principal.userId, params.id, params.transferId);
    if (!transfer) throw notFound('session_transfer');
    return toTransferDto(transfer);
  }

  @RequiredScope('full')
  @Get(':id/whatsapp/session/transfers/:transferId/download')
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(routes.sessionDownload.params, 'params')) params: { id: string; transferId: string },
    @Res() response: Response,
  ) {
    const transfer = await this.transfers.findOwned(principal.userId, params.id, params.transferId);
    if (transfer?.direction !== 'backup') throw notFound('session_transfer');
    const archive = transfer.status === 'done' ? await this.transfers.archive(transfer.id) : undefined;
    if (!archive) throw new DomainError('conflict', 'session_backup_not_ready');
    response
      .status(200)
      .set({
        'content-type': 'application/gzip',
        'content-disposition': `attachment; filename="whatsapp-session-${params.id}-${transfer.createdAt.toISOString().slice(0, 10)}.tar.gz"`,
        'cache-control': 'no-store',
      })
      .send(archive);
  }

  /** The bot's WhatsApp pairing, as read from its output: the QR as a clean SVG with its expiry, a pairing code, the connection. */
  @RequiredScope('deploy')
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

function toTransferDto(transfer: SessionTransfer) {
  return {
    id: transfer.id,
    direction: transfer.direction,
    status: transfer.status,
    bytes: transfer.bytes,
    error: transfer.error,
    createdAt: transfer.createdAt.toISOString(),
    finishedAt: transfer.finishedAt ? transfer.finishedAt.toISOString() : null,
  };
}
