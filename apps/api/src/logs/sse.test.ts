import type { AddressInfo } from 'node:net';
import { MemoryLogStore } from '@zapdeploy/logstore';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { streamSse } from './sse.js';

/** A store whose blocking reads fail (Redis away) and counts how often it is asked. */
class UnreachableStore extends MemoryLogStore {
  waits = 0;
  override async wait(): Promise<never> {
    this.waits += 1;
    throw new Error('connect ECONNREFUSED');
  }
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(store: MemoryLogStore): Promise<string> {
  const app = express();
  app.get('/stream', (request, response) => {
    void streamSse(request, response, { store, key: 'k', after: undefined, backlog: 10, event: (entry) => ({ name: 'log', data: entry.line }) });
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
}

describe('streamSse', () => {
  it('backs off while the store fails instead of asking it in a busy loop, and keeps the client informed', async () => {
    const store = new UnreachableStore();
    const controller = new AbortController();
    const response = await fetch(await serve(store), { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), until - Date.now()))]);
      if (chunk?.value) text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    // 250 + 500 + 1000 ms: at most four attempts in 1.5 s (a busy loop makes thousands).
    expect(store.waits).toBeGreaterThanOrEqual(2);
    expect(store.waits).toBeLessThanOrEqual(4);
    expect(text).toContain(': waiting for the log store');
  });
});
