import { describe, expect, it } from 'vitest';
import { containerAction, type Observation, statusOfRunning } from './runtime-status.js';

const running: Observation = {
  exists: true,
  running: true,
  restarting: false,
  deploymentId: 'd1',
  revision: 'r1',
  exitCode: null,
  oomKilled: false,
  limits: { cpuMillis: 250, memoryMb: 256 },
};
const wanted = { deploymentId: 'd1', revision: 'r1', cpuMillis: 250, memoryMb: 256 };

describe(containerAction.name, () => {
  it('does nothing when the right deployment runs with the right limits', () => {
    expect(containerAction(running, wanted)).toBe('none');
  });
  it('replaces on a new deployment, new env/restart revision, or no container', () => {
    expect(containerAction(running, { ...wanted, deploymentId: 'd2' })).toBe('replace');
    expect(containerAction(running, { ...wanted, revision: 'r2' })).toBe('replace');
    expect(containerAction({ ...running, exists: false }, wanted)).toBe('replace');
  });
  it('updates limits in place on a plan change', () => {
    expect(containerAction(running, { ...wanted, memoryMb: 512, cpuMillis: 500 })).toBe('update_limits');
  });
  it('starts a stopped (paused) container, but leaves a crashed one to its restart policy', () => {
    expect(containerAction({ ...running, running: false }, wanted)).toBe('start');
    expect(containerAction({ ...running, running: false, exitCode: 1 }, wanted)).toBe('none');
    expect(containerAction({ ...running, running: false, exitCode: 0 }, wanted, true)).toBe('start');
  });
  it("starts a stopped container whose limits differ (the start applies the plan's current limits), and updates a crashed one's", () => {
    const other = { ...wanted, memoryMb: 512 };
    expect(containerAction({ ...running, running: false, exitCode: 0 }, other, true)).toBe('start');
    expect(containerAction({ ...running, running: false }, other)).toBe('start');
    expect(containerAction({ ...running, running: false, exitCode: 1 }, other)).toBe('update_limits');
  });
});

describe(statusOfRunning.name, () => {
  it('maps the runtime state to what users see, with a reason', () => {
    expect(statusOfRunning(running, 256)).toEqual({ status: 'running', reason: null });
    expect(statusOfRunning({ ...running, running: false, restarting: true, exitCode: 2 }, 256)).toEqual({
      status: 'starting',
      reason: 'restarting:exit_code:2',
    });
    expect(statusOfRunning({ ...running, running: false, exitCode: 137, oomKilled: true }, 256)).toEqual({ status: 'crashed', reason: 'oom_killed:256' });
    expect(statusOfRunning({ ...running, running: false, exitCode: 1 }, 256)).toEqual({ status: 'crashed', reason: 'exit_code:1' });
  });
});
