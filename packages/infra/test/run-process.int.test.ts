import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from '../src/run-process.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/faulty-process.ts', import.meta.url));

function run(fault: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, fault], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a process run by runProcess', () => {
  it('logs a rejection nobody handled and goes on serving', async () => {
    const result = await run('rejection');
    expect(result.stderr).toContain('faulty: unhandled rejection (the process goes on): Error: nobody listened');
    expect(result.stdout).toContain('still serving');
    expect(result.code).toBe(0);
  });

  it('logs an exception thrown from the event loop, stops cleanly and exits to be started again', async () => {
    const result = await run('exception');
    expect(result.stderr).toContain('faulty: uncaught exception: Error: thrown from the event loop');
    expect(result.stdout).toContain('stopped cleanly');
    expect(result.code).toBe(CRASH_EXIT_CODE);
  });
});
