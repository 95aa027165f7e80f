import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['apps/*/test/**/*.int.test.ts', 'packages/*/test/**/*.int.test.ts', 'test/**/*.int.test.ts'],
          exclude: ['apps/web/test/**', '**/node_modules/**'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // Pages and statuses change asynchronously on a busy 2-core machine: a poll may wait, never passes early.
          expect: { poll: { timeout: 20_000, interval: 100 } },
          pool: 'forks',
          maxWorkers: 2,
        },
      },
      {
        test: {
          // The dashboard in Chromium, each file running API, worker and Next.js in-process: one file at a time,
          // after the rest, so that a busy machine does not starve the browser (a fork ran out of memory once
          // under the full parallel load).
          name: 'browser',
          include: ['apps/web/test/**/*.int.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 20_000, interval: 100 } },
          pool: 'forks',
          fileParallelism: false,
        },
      },
      {
        test: {
          // Against real Kubernetes clusters built and started on this machine (scripts/k8s/cluster.sh): one file at
          // a time, after the rest.
          name: 'kubernetes',
          include: ['apps/*/test/**/*.k8s.test.ts', 'packages/*/test/**/*.k8s.test.ts', 'test/**/*.k8s.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 3_600_000,
          expect: { poll: { timeout: 60_000, interval: 250 } },
          pool: 'forks',
          fileParallelism: false,
        },
      },
      {
        test: {
          // Builds real bots from the npm registry (Chromium included): runs after the rest, one file at a time,
          // so that its builds do not starve the browser and timing-sensitive tests.
          name: 'heavy',
          include: ['apps/*/test/**/*.heavy.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
      {
        test: {
          // Stops and starts the machine's services: runs alone, after the rest (scripts/test.mjs).
          name: 'disruptive',
          include: ['apps/*/test/**/*.disruptive.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
