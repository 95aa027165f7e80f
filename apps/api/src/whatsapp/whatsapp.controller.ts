import { pipeline } from 'node:stream/promises';
import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { routes } from '@zapdeploy/contracts';
import { InstanceRepository, type SessionTransfer, SessionTransferRepository } from '@zapdeploy/db';
import { DomainError, INITIAL_STATE, notFound, type WhatsappState } from '@zapdeploy/domain';
import { ArchiveTooLargeError, type SessionArchiveStore } from '@zapdeploy/infra';
import { type LogStore, logKeys } from '@zapdeploy/logstore';
import { normalizeSessionArchive, SessionArchiveError, sessionArchiveLimits } from '@zapdeploy/runtime/session-archive';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { CurrentPrincipal } from '../auth/principal.decorator.js';
import { RequiredScope } from '../auth/scope.decorator.js';
import { API_CONFIG, LOG_STORE, SESSION_ARCHIVES } from '../auth/tokens.js';
import type { ApiConfig } from '../config.js';
import { RawBody } from '../http/body-parser.js';
import { HttpProblem } from '../http/http-problem.js';
import type { Principal } from '../http/request-context.js';
import { detachedBody } from '../http/request-stream.js';
import { ZodPipe } from '../http/zod-pipe.js';
import { InstanceService } from '../instances/instance.service.js';

@Controller('api/v1/instances')
export class WhatsappController {
  constructor(
    @Inject(InstanceRepository) private readonly instances: InstanceRepository,
    @Inject(LOG_STORE) private readonly store: LogStore,
    @Inject(InstanceService) private readonly service: InstanceService,
    @Inject(SessionTransferRepository) private readonly transfers: SessionTransferRepository,
    @Inject(SESSION_ARCHIVES) private readonly archives: SessionArchiveStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
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

  /**
   * Restores a backup (.tar.gz): refused before a byte is read when the instance may not take it (or the upload is
   * declared too big); then checked and re-packed while it streams in, sealed to the archive store, and applied
   * by a worker (the bot stops, gets it, starts again).
   */
  @Post(':id/whatsapp/session/restore')
  @RawBody()
  @HttpCode(202)
  async restore(
    @CurrentPrincipal() principal: Principal,
    @Param(new ZodPipe(routes.sessionRestore.params, 'params')) params: { id: string },
    @Req() request: Request,
  ) {
    const maxBytes = this.config.infra.sessionArchiveMaxBytes;
    const tooLarge = () => new HttpProblem(413, 'session_archive_too_large', { maxMb: Math.round(maxBytes / 1024 / 1024) });
    await this.service.assertCanRestoreSession(principal, params.id);
    if (Number(request.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
    const archiveId = SessionTransferRepository.newId();
    const upload = detachedBody(request, maxBytes);
    let bytes: number;
    try {
      bytes = await this.archives.write(archiveId, normalizeSessionArchive(upload.body, sessionArchiveLimits(maxBytes)), maxBytes);
    } catch (error) {
      await upload.release();
      if (error instanceof ArchiveTooLargeError || (error instanceof SessionArchiveError && error.reason === 'too_big')) throw tooLarge();
      if (error instanceof SessionArchiveError) throw new DomainError('invalid', 'session_archive_invalid', { reason: error.reason });
      throw error;
    }
    try {
      return toTransferDto(await this.service.requestSessionTransfer(principal, params.id, 'restore', { id: archiveId, bytes }));
    } catch (error) {
      await this.archives.remove(archiveId);
      throw error;
    }
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
    if (transfer.status === 'expired') throw new HttpProblem(410, 'session_transfer_expired');
    if (transfer.status !== 'done') throw new DomainError('conflict', 'session_backup_not_ready');
    const archive = this.archives.read(transfer.id);
    // The first chunk proves the archive is there and authentic before the answer starts.
    const first = await new Promise<Buffer | null>((resolve, reject) => {
      archive.once('readable', () => resolve(archive.read() as Buffer | null));
      archive.once('error', reject);
    }).catch(() => {
      throw new HttpProblem(410, 'session_transfer_expired');
    });
    response.status(200).set({
      'content-type': 'application/gzip',
      'content-disposition': `attachment; filename="whatsapp-session-${params.id}-${transfer.createdAt.toISOString().slice(0, 10)}.tar.gz"`,
      'cache-control': 'no-store',
      ...(transfer.bytes !== null ? { 'content-length': String(transfer.bytes) } : {}),
    });
    if (first) response.write(first);
    await pipeline(archive, response).catch(() => response.destroy());
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
    expiresAt: transfer.expiresAt.toISOString(),
  };
}
