import type { TestClient } from '@zapdeploy/test-support/support/http-client';
import { expect } from 'vitest';

export type Instance = {
  id: string;
  status: string;
  statusReason: string | null;
  statusDetail: string | null;
  desiredState: string;
  currentDeployment: { id: string; number: number; status: string; commitSha: string | null } | null;
};

/** Polls an instance until `ready` holds (statuses move through the worker asynchronously). */
export async function waitForInstance(client: TestClient, id: string, ready: (i: Instance) => boolean, timeoutMs = 180_000): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  let last: Instance | undefined;
  while (Date.now() < deadline) {
    const response = await client.get(`/api/v1/instances/${id}`);
    if (response.status === 200) {
      last = response.body as unknown as Instance;
      if (ready(last)) return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`instance ${id} did not get there; last seen: ${JSON.stringify(last)}`);
}

export async function waitForLog(
  client: TestClient,
  path: string,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<{ id: string; line: string; stream: string }[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: { id: string; line: string; stream: string }[] = [];
  while (Date.now() < deadline) {
    const response = await client.get(`${path}?limit=2000`);
    lines = (response.body.items ?? []) as unknown as typeof lines;
    if (lines.some((l) => pattern.test(l.line))) return lines;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`no log line matching ${pattern} in ${path}; got:\n${lines.map((l) => l.line).join('\n')}`);
}

/** Reads Server-Sent Events until `enough` says so (or the time is up). */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  enough: (events: { id: string; event: string; data: unknown }[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ id: string; event: string; data: unknown }[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const events: { id: string; event: string; data: unknown }[] = [];
  try {
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    while (reader) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let index = buffer.indexOf('\n\n');
      while (index >= 0) {
        const block = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
        );
        if (fields.data !== undefined) events.push({ id: fields.id ?? '', event: fields.event ?? 'message', data: JSON.parse(fields.data) });
        index = buffer.indexOf('\n\n');
      }
      if (enough(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
