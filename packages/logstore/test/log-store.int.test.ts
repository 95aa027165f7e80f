import { randomBytes } from 'node:crypto';
import { type LogStore, MemoryLogStore, RedisLogStore } from '@zapdeploy/logstore';
import { services } from '@zapdeploy/test-support/support/services';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const redis = new Redis(services.redisUrl);
afterAll(() => redis.disconnect());

const stores: [string, () => LogStore][] = [
  ['memory', () => new MemoryLogStore(50)],
  ['redis', () => new RedisLogStore(redis, `zdt-${randomBytes(4).toString('hex')}`, 50)],
];

const entry = (line: string) => ({ ts: new Date().toISOString(), stream: 'stdout' as const, line });

describe.each(stores)('%s log store', (_name, make) => {
  it('keeps order, reads after a position, tails, and stays bounded', async () => {
    const sut = make();
    await sut.append(
      'k',
      Array.from({ length: 400 }, (_, i) => entry(`line ${i}`)),
    );
    const tail = await sut.tail('k', 3);
    expect(tail.map((e) => e.line)).toEqual(['line 397', 'line 398', 'line 399']);
    const all = await sut.read('k', { limit: 1000 });
    expect(all.length).toBeGreaterThanOrEqual(50);
    expect(all.length).toBeLessThan(400); // Redis trims approximately (whole nodes)
    expect(all.at(-1)?.line).toBe('line 399');
    const after = await sut.read('k', { after: tail[0]?.id, limit: 10 });
    expect(after.map((e) => e.line)).toEqual(['line 398', 'line 399']);
    await sut.close();
  });

  it('wakes a waiting reader when lines arrive, and returns [] on timeout', async () => {
    const sut = make();
    const controller = new AbortController();
    expect(await sut.wait('w', '$', 100, controller.signal)).toEqual([]);
    const waiting = sut.wait('w', '$', 5_000, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sut.append('w', [entry('hello')]);
    expect((await waiting).map((e) => e.line)).toEqual(['hello']);
    await sut.close();
  });
});
