import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DeadLetter } from './bus.js';
import { MemoryBus } from './memory-bus.js';

const Paid = { name: 'test.paid', version: 1, schema: z.object({ id: z.string() }) };

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('MemoryBus dead letters', () => {
  it('dead-letters a message that keeps failing, says so, and re-drives it to its queue once the cause is gone', async () => {
    const bus = new MemoryBus();
    const letters: DeadLetter[] = [];
    const handled: string[] = [];
    let broken = true;
    await bus.consume(
      'billing',
      [Paid],
      async (_key, payload) => {
        if (broken) throw new Error('store unavailable');
        handled.push((payload as { id: string }).id);
      },
      { onDeadLetter: (letter) => letters.push(letter) },
    );
    await bus.consume('other', [Paid], async () => undefined);
    await bus.publish(Paid, { id: 'p1' });
    await until(async () => (await bus.deadLetterCount('billing')) === 1, 'the dead letter');
    expect(letters).toEqual([{ queue: 'billing', routingKey: 'test.paid.v1', reason: 'Error: store unavailable' }]);
    expect(await bus.deadLetterCount('other')).toBe(0);

    broken = false;
    expect(await bus.redrive('other')).toBe(0);
    expect(await bus.redrive('billing')).toBe(1);
    await until(() => handled.length === 1, 'the re-driven message');
    expect(handled).toEqual(['p1']);
    expect(await bus.deadLetterCount('billing')).toBe(0);
    expect(await bus.redrive('billing')).toBe(0);
  });
});
