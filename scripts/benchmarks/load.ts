// The control plane under load (autocannon, on loopback): reads, instance creation and SSE fan-out, with
// what was sent checked against what arrived. A platform of its own (API only, no worker: nothing is built),
// limits raised so that the load is measured rather than refused.

import { logKeys } from '@zapdeploy/logstore';
import autocannon from 'autocannon';
import { startTestApi } from '../../test/support/api-harness.js';
import { TestClient } from '../../test/support/http-client.js';

export type LoadRow = { name: string; platform: string; goal: string; ok: boolean };

const SECONDS = 10;
const CONNECTIONS = 20;
const FAN_OUT_CLIENTS = 200;
const FAN_OUT_LINES = 500;

type Result = autocannon.Result;

function run(options: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const describe = (r: Result) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors + r.timeouts} errors`;

export async function loadBenchmarks(): Promise<LoadRow[]> {
  const rows: LoadRow[] = [];
  const api = await startTestApi({
    mode: 'full',
    env: {
      ZAPDEPLOY_PUBLIC_SIGNUPS: 'false',
      ZAPDEPLOY_RATE_LIMIT_PER_MINUTE: '100000000',
      ZAPDEPLOY_SSE_MAX_PER_USER: '10000',
      ZAPDEPLOY_SSE_MAX_PER_IP: '10000',
    },
  });
  try {
    const owner = new TestClient(api.url);
    await owner.post('/api/auth/sign-up/email', { email: 'load@example.com', password: 'cavalo-bateria-grampo', name: 'Load' });
    const token = (await owner.post('/api/v1/tokens', { name: 'load', scope: 'full' })).body.token as string;
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 50; i += 1) {
      await owner.post('/api/v1/instances', { name: `base-${i}`, repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' });
    }

    // 1. Reads: a signed-in list (50 instances, first page) and the public plans.
    const list = await run({ url: `${api.url}/api/v1/instances`, headers: auth, connections: CONNECTIONS, duration: SECONDS });
    rows.push({
      name: 'GET /api/v1/instances (50 instances, token)',
      platform: describe(list),
      goal: 'p99 < 50 ms, no errors',
      ok: list.latency.p99 < 50 && list.non2xx + list.errors === 0,
    });
    const plans = await run({ url: `${api.url}/api/v1/plans`, connections: CONNECTIONS, duration: SECONDS });
    rows.push({
      name: 'GET /api/v1/plans (public)',
      platform: describe(plans),
      goal: 'p99 < 50 ms, no errors',
      ok: plans.latency.p99 < 50 && plans.non2xx + plans.errors === 0,
    });

    // 2. Creation: each request a new instance (intent, outbox row and audit row in one transaction); then
    //    every 201 must be an instance the API lists.
    let sequence = 0;
    const created = new Set<string>();
    const create = await run({
      url: `${api.url}/api/v1/instances`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      connections: 10,
      duration: SECONDS,
      requests: [
        {
          setupRequest: (request) => {
            sequence += 1;
            return { ...request, body: JSON.stringify({ name: `load-${sequence}`, repoUrl: 'https://github.com/zapdeploy/exemplo', planId: 'plan_bot' }) };
          },
          onResponse: (status, body) => {
            if (status === 201) created.add((JSON.parse(body) as { id: string }).id);
          },
        },
      ],
    });
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await new TestClient(api.url).withToken(token).get(`/api/v1/instances?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      for (const item of page.body.items as { id: string }[]) listed.add(item.id);
      cursor = (page.body.nextCursor as string | null) ?? null;
    } while (cursor);
    const lost = [...created].filter((id) => !listed.has(id)).length;
    rows.push({
      name: 'POST /api/v1/instances (10 connections)',
      platform: `${describe(create)}; ${created.size} created, ${lost} lost`,
      goal: 'no errors, none lost',
      ok: create.non2xx + create.errors === 0 && lost === 0,
    });

    // 3. SSE fan-out: clients following one instance's logs; lines appended to its stream all reach all of them.
    const target = [...created][0] ?? '';
    const received = new Array<number>(FAN_OUT_CLIENTS).fill(0);
    const controllers: AbortController[] = [];
    const readers = Array.from({ length: FAN_OUT_CLIENTS }, async (_, index) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${api.url}/api/v1/instances/${target}/logs?follow=1&limit=1`, { headers: auth, signal: controller.signal });
      if (response.status !== 200 || !response.body) throw new Error(`stream ${index} answered ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          if (/data: .*"line":"fan \d+"/.test(buffer.slice(0, cut))) received[index] = (received[index] ?? 0) + 1;
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // every client connected and waiting
    const start = performance.now();
    for (let i = 0; i < FAN_OUT_LINES; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => ({ ts: new Date().toISOString(), stream: 'stdout' as const, line: `fan ${i + j}` }));
      await api.platform.logStore.append(logKeys.instance(target), batch);
    }
    const deadline = Date.now() + 60_000;
    while (received.some((n) => n < FAN_OUT_LINES) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const elapsed = performance.now() - start;
    for (const controller of controllers) controller.abort();
    await Promise.allSettled(readers);
    const complete = received.filter((n) => n === FAN_OUT_LINES).length;
    const missing = received.reduce((sum, n) => sum + (FAN_OUT_LINES - n), 0);
    rows.push({
      name: `SSE fan-out: ${FAN_OUT_LINES} lines to ${FAN_OUT_CLIENTS} clients of one instance`,
      platform: `${complete}/${FAN_OUT_CLIENTS} clients got every line in ${Math.round(elapsed)} ms; ${missing} lines missing`,
      goal: 'none lost',
      ok: missing === 0,
    });
  } finally {
    await api.close();
  }
  return rows;
}
