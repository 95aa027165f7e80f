import { describe, expect, it } from 'vitest';
import { FloodGate } from './flood-gate.js';

describe(FloodGate.name, () => {
  it('lets a burst of twice the rate through, then drops and counts', () => {
    let now = 0;
    const sut = new FloodGate(10, () => now);
    const admitted = Array.from({ length: 30 }, () => sut.admit()).filter(Boolean).length;
    expect(admitted).toBe(20);
    expect(sut.takeDropped()).toBe(10);
    expect(sut.takeDropped()).toBe(0);
    now += 1000;
    expect(Array.from({ length: 15 }, () => sut.admit()).filter(Boolean).length).toBe(10);
  });
});
