import { describe, expect, it } from 'vitest';
import { planAction } from './instance-lifecycle.js';

describe(planAction.name, () => {
  it('pauses and resumes without a new deployment', () => {
    expect(planAction('pause', { desiredState: 'running', status: 'running' })).toEqual({ desiredState: 'paused', status: 'running', newDeployment: false });
    expect(planAction('resume', { desiredState: 'paused', status: 'paused' })).toEqual({ desiredState: 'running', status: 'paused', newDeployment: false });
  });
  it('redeploys through a new deployment', () => {
    expect(planAction('redeploy', { desiredState: 'paused', status: 'paused' }).newDeployment).toBe(true);
  });
  it('refuses to resume what is not paused, or restart what is', () => {
    expect(() => planAction('resume', { desiredState: 'running', status: 'running' })).toThrow('instance_not_paused');
    expect(() => planAction('restart', { desiredState: 'paused', status: 'paused' })).toThrow('instance_paused');
  });
  it('refuses every action on a deleted instance', () => {
    expect(() => planAction('pause', { desiredState: 'deleted', status: 'deleting' })).toThrow('instance_deleted');
  });
});
