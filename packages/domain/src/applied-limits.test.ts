import { describe, expect, it } from 'vitest';
import { keptLimits, limitsAfter, type PlanNow, sameAppliedLimits, sameRuntimeLimits } from './applied-limits.js';

const started = { planId: 'plan_bot', cpuMillis: 250, memoryMb: 256, diskMb: 1024 };
const edited: PlanNow = { id: 'plan_bot', cpuMillis: 500, memoryMb: 512, diskMb: 2048 };
const other: PlanNow = { id: 'plan_pro', cpuMillis: 1000, memoryMb: 1024, diskMb: 4096 };

describe(keptLimits.name, () => {
  it('keeps the limits an instance was started with while its plan is the same one, whatever an operator edited since', () => {
    expect(keptLimits(edited, started)).toEqual({ cpuMillis: 250, memoryMb: 256, diskMb: 1024 });
  });
  it("takes the plan's current limits once the instance is on another plan (the owner's change applies at once)", () => {
    expect(keptLimits(other, started)).toEqual({ cpuMillis: 1000, memoryMb: 1024, diskMb: 4096 });
  });
  it("takes the plan's limits when none were recorded", () => {
    expect(keptLimits(edited, null)).toEqual({ cpuMillis: 500, memoryMb: 512, diskMb: 2048 });
  });
});

describe(limitsAfter.name, () => {
  it("gives a restart, redeploy, recreation or resume the plan's current limits", () => {
    expect(limitsAfter('replace', edited, started)).toEqual({ planId: 'plan_bot', cpuMillis: 500, memoryMb: 512, diskMb: 2048 });
    expect(limitsAfter('start', edited, started)).toEqual({ planId: 'plan_bot', cpuMillis: 500, memoryMb: 512, diskMb: 2048 });
  });
  it('keeps what runs when nothing is restarted', () => {
    expect(limitsAfter('none', edited, started)).toEqual(started);
    expect(limitsAfter('update_limits', edited, started)).toEqual(started);
  });
  it('records the new plan (and its limits) on a plan change, even when nothing has to be done to the workload', () => {
    expect(limitsAfter('update_limits', other, started)).toEqual({ planId: 'plan_pro', cpuMillis: 1000, memoryMb: 1024, diskMb: 4096 });
    expect(limitsAfter('none', { ...started, id: 'plan_twin' }, started)).toEqual({ ...started, planId: 'plan_twin' });
    expect(limitsAfter('none', edited, null)).toEqual({ planId: 'plan_bot', cpuMillis: 500, memoryMb: 512, diskMb: 2048 });
  });
});

describe('comparing limits', () => {
  it('compares what a workload runs with, and what is recorded', () => {
    expect(sameRuntimeLimits(started, { cpuMillis: 250, memoryMb: 256 })).toBe(true);
    expect(sameRuntimeLimits(started, { cpuMillis: 250, memoryMb: 512 })).toBe(false);
    expect(sameAppliedLimits(started, { ...started })).toBe(true);
    expect(sameAppliedLimits(null, started)).toBe(false);
    expect(sameAppliedLimits(started, { ...started, planId: 'plan_twin' })).toBe(false);
    expect(sameAppliedLimits(started, { ...started, diskMb: 2048 })).toBe(false);
  });
});
