import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP server that answers every request with a redirect to `target` + the request's path (a git host that moved). */
export class Redirector {
  private server: http.Server | undefined;
  url = '';
  port = 0;
  requests = 0;

  constructor(
    private readonly target: () => string,
    private readonly status = 302,
    /** Waits this long before answering (a slow host). */
    private readonly delayMs = 0,
  ) {}

  async start(): Promise<this> {
    this.server = http.createServer((request, response) => {
      this.requests += 1;
      setTimeout(() => response.writeHead(this.status, { location: `${this.target()}${request.url ?? '/'}` }).end(), this.delayMs);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
