import { PassThrough, type Readable } from 'node:stream';
import type { Request } from 'express';

/**
 * The request body as a stream a consumer may destroy without destroying the request: a refusal mid-upload (a gzip
 * bomb found after a few KB) must still reach the client as a problem, not as a connection reset. `release()`, called
 * once the consumer gave up, reads and drops what remains of the body and resolves when it has all arrived, so that
 * the answer goes out to a client that is done sending. At most `maxBytes` are dropped: beyond that the connection
 * is closed.
 */
export function detachedBody(request: Request, maxBytes: number): { readonly body: Readable; release(): Promise<void> } {
  const body = new PassThrough();
  request.pipe(body);
  return {
    body,
    release() {
      request.unpipe(body);
      if (request.readableEnded || request.destroyed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        let discarded = 0;
        request.on('data', (chunk: Buffer) => {
          discarded += chunk.length;
          if (discarded > maxBytes) request.destroy();
        });
        request.once('end', () => resolve());
        request.once('close', () => resolve());
        request.resume();
      });
    },
  };
}
