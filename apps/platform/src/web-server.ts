import { existsSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;
type NextServer = { prepare(): Promise<void>; getRequestHandler(): RequestHandler; close(): Promise<void> };

export type WebServer = { readonly server: http.Server; close(): Promise<void> };

/** True when `next build` has run for the dashboard in `dir`. */
export function webIsBuilt(dir: string): boolean {
  return existsSync(path.join(dir, '.next', 'BUILD_ID'));
}

/**
 * The dashboard and the API on one origin: `/api/*` goes to the API's handler, everything else to the
 * Next.js app (built by `npm start`). Same origin means cookies, CSRF checks and SSE need no proxying.
 */
export async function startWebServer(options: {
  readonly dir: string;
  readonly port: number;
  readonly host: string;
  readonly api: RequestHandler;
}): Promise<WebServer> {
  const require = createRequire(path.join(options.dir, 'package.json'));
  const next = require('next') as (settings: { dev: boolean; dir: string; quiet: boolean }) => NextServer;
  const app = next({ dev: false, dir: options.dir, quiet: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    if (request.url === '/api' || request.url?.startsWith('/api/')) options.api(request, response);
    else handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  return {
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close().catch(() => undefined);
    },
  };
}
