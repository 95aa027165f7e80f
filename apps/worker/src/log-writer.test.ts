import { MemoryLogStore } from '@zapdeploy/logstore';
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
});
