import { MemoryLogStore, RedisLogStore } from '@zapdeploy/logstore';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { LogWriter } from './log-writer.js';

/** A store that refuses appends while `down` is true. */
class FlakyStore extends MemoryLogStore {
  down = false;
  override async append(key: string, entries: Parameters<MemoryLogStore['append']>[1]): Promise<void> {
    if (this.down) throw new Error('store down');
    await super.append(key, entries);
  }
}

describe(LogWriter.name, () => {
  it('keeps every line, in order, across a store outage', async () => {
    const store = new FlakyStore();
    const sut = new LogWriter(store, 'k', { linesPerSecond: 1000, flushMs: 5 });
    sut.write('stdout', 'a');
    await sut.flush();
    store.down = true;
    sut.write('stdout', 'b');
    void sut.flush();
    sut.write('stdout', 'c');
    await sut.flush();
    store.down = false;
    sut.write('stdout', 'd');
    await sut.flush();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await sut.flush();
    expect((await store.read('k', { limit: 10 })).map((e) => e.line)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('says how many lines a flooding bot lost', async () => {
    const store = new MemoryLogStore();
    const sut = new LogWriter(store, 'k', { linesPerSecond: 10 });
    for (let i = 0; i < 50; i += 1) sut.write('stdout', `line ${i}`);
    await sut.flush();
    const lines = (await store.read('k', { limit: 100 })).map((e) => e.line);
    expect(lines.filter((l) => l.startsWith('line '))).toHaveLength(20);
    expect(lines.at(-1)).toBe('[zapdeploy] 30 linha(s) descartada(s): o bot escreveu mais de 10 linhas/s');
  });

  it('stays bounded while Redis is unreachable (a closed port)', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, enableOfflineQueue: true });
    redis.on('error', () => undefined);
    try {
      const sut = new LogWriter(new RedisLogStore(redis, 'zdt-unreachable'), 'k', {
        linesPerSecond: 1_000_000,
        flushMs: 1,
        maxBufferedLines: 1_000,
        maxBufferedBytes: 256 * 1024,
      });
      for (let i = 0; i < 50_000; i += 1) sut.write('stdout', `line ${i} ${'x'.repeat(1_000)}`);
      await sut.flush();
      for (let i = 0; i < 5_000; i += 1) sut.write('stdout', `more ${i} ${'x'.repeat(1_000)}`);
      await sut.flush();
      expect(sut.buffered().lines).toBeLessThanOrEqual(1_000);
      expect(sut.buffered().bytes).toBeLessThanOrEqual(256 * 1024);
      expect(sut.buffered().lines).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('says how many lines it lost while the store was away, then keeps the newest in order', async () => {
    const store = new FlakyStore();
    store.down = true;
    const sut = new LogWriter(store, 'k', { linesPerSecond: 1_000_000, maxBufferedLines: 100 });
    for (let i = 0; i < 300; i += 1) sut.write('stdout', `line ${i}`);
    await sut.flush();
    store.down = false;
    await sut.flush();
    const lines = (await store.read('k', { limit: 1000 })).map((e) => e.line);
    expect(lines[0]).toBe('[zapdeploy] 200 linha(s) perdida(s) enquanto o armazenamento de logs estava fora do ar');
    expect(lines.slice(1)).toEqual(Array.from({ length: 100 }, (_, i) => `line ${200 + i}`));
  });
});
