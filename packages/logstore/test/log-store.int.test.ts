import { randomBytes } from 'node:crypto';
import { entryBytes, type LogStore, type LogStoreLimits, MemoryLogStore, RedisLogStore } from '@zapdeploy/logstore';
import { services } from '@zapdeploy/test-support/support/services';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const redis = new Redis(services.redisUrl);
afterAll(() => redis.disconnect());

type Made = { store: LogStore; prefix: string };
const stores: [string, (limits?: Partial<LogStoreLimits>) => Made][] = [
  ['memory', (limits) => ({ store: new MemoryLogStore({ maxEntries: 50, ...limits }), prefix: '' })],
  [
    'redis',
    (limits) => {
      const prefix = `zdt-${randomBytes(4).toString('hex')}`;
      return { store: new RedisLogStore(redis, prefix, { maxEntries: 50, ...limits }), prefix };
    },
  ],
];

const entry = (line: string) => ({ ts: new Date().toISOString(), stream: 'stdout' as const, line });

describe.each(stores)('%s log store', (kind, make) => {
  it('keeps order, reads after a position, tails, and stays bounded', async () => {
    const sut = make().store;
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

  it('keeps a stream of big lines within its byte budget, newest first', async () => {
    const sut = make({ maxEntries: 50_000, maxBytes: 64 * 1024 }).store;
    const big = (i: number) => entry(`${String(i).padStart(4, '0')} ${'x'.repeat(8 * 1024 - 5)}`);
    for (let batch = 0; batch < 10; batch++)
      await sut.append(
        'big',
        Array.from({ length: 10 }, (_, i) => big(batch * 10 + i)),
      );
    const kept = await sut.read('big', { limit: 1000 });
    const bytes = kept.reduce((sum, e) => sum + entryBytes(e), 0);
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
    expect(bytes).toBeGreaterThan(64 * 1024 - 2 * entryBytes(big(0)));
    expect(kept.at(-1)?.line.startsWith('0099 ')).toBe(true);
    expect(kept.length).toBe(7);
    await sut.close();
  });

  it('keeps what the platform said as a code and parameters, beside its line, through every way of reading', async () => {
    const sut = make().store;
    const said = {
      ts: new Date().toISOString(),
      stream: 'system' as const,
      line: 'Instância pausada.',
      message: { code: 'instance_paused', params: { n: 3 } },
    };
    await sut.append('said', [entry('before'), said]);
    const controller = new AbortController();
    const waiting = sut.wait('said', (await sut.tail('said', 1))[0]?.id ?? '$', 5_000, controller.signal);
    await sut.append('said', [said]);
    for (const read of [await sut.read('said', { limit: 10 }), await sut.tail('said', 10), await waiting]) {
      const spoken = read.filter((e) => e.stream === 'system');
      expect(spoken.length).toBeGreaterThan(0);
      for (const e of spoken) expect(e).toMatchObject({ line: 'Instância pausada.', message: { code: 'instance_paused', params: { n: 3 } } });
      expect(read.find((e) => e.line === 'before')?.message).toBeUndefined();
    }
    controller.abort();
    await sut.close();
  });

  it('deletes streams', async () => {
    const { store: sut, prefix } = make();
    await sut.append('gone', [entry('a')]);
    await sut.append('kept', [entry('b')]);
    await sut.remove(['gone']);
    expect(await sut.read('gone', { limit: 10 })).toEqual([]);
    expect((await sut.read('kept', { limit: 10 })).map((e) => e.line)).toEqual(['b']);
    if (kind === 'redis') expect(await redis.exists(`${prefix}:gone`, `${prefix}:gone:bytes`)).toBe(0);
    await sut.close();
  });

  it('wakes a waiting reader when lines arrive, and returns [] on timeout', async () => {
    const sut = make().store;
    const controller = new AbortController();
    expect(await sut.wait('w', '$', 100, controller.signal)).toEqual([]);
    const waiting = sut.wait('w', '$', 5_000, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sut.append('w', [entry('hello')]);
    expect((await waiting).map((e) => e.line)).toEqual(['hello']);
    await sut.close();
  });

  it('wakes many readers of many streams, each with what is new for it', async () => {
    const sut = make().store;
    const controller = new AbortController();
    await sut.append('s0', [entry('old')]);
    const [old] = await sut.tail('s0', 1);
    const waiting = Array.from({ length: 20 }, (_, i) => sut.wait(`s${i % 5}`, i === 0 ? (old?.id ?? '$') : '$', 10_000, controller.signal));
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (kind === 'redis') {
      const clients = (await redis.client('LIST')) as string;
      const prefix = (sut as unknown as { prefix: string }).prefix;
      expect(clients.split('\n').filter((line) => line.includes(` name=${prefix}:blocking-reads `))).toHaveLength(1);
    }
    for (let i = 0; i < 5; i++) await sut.append(`s${i}`, [entry(`new ${i}`)]);
    const results = await Promise.all(waiting);
    results.forEach((entries, i) => {
      expect(entries.map((e) => e.line)).toEqual([`new ${i % 5}`]);
    });
    // A reader arriving while the others block is woken as promptly.
    const blocked = sut.wait('s1', '$', 10_000, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const late = sut.wait('late', '$', 10_000, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sut.append('late', [entry('here')]);
    expect((await late).map((e) => e.line)).toEqual(['here']);
    expect(Date.now() - started).toBeLessThan(1_000);
    controller.abort();
    expect(await blocked).toEqual([]);
    await sut.close();
  });
});
