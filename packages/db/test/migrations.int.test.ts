import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, PlanRepository, tables } from '@zapdeploy/db';
import { createTestDatabase } from '@zapdeploy/test-support/support/services';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const COLUMNS = sql`select table_name, column_name, data_type, is_nullable, column_default
  from information_schema.columns where table_schema = 'public' order by table_name, column_name`;
const INDEXES = sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname`;

type Rows = { rows: unknown[] };
const rows = (db: { execute: (query: typeof COLUMNS) => Promise<unknown> }, query: typeof COLUMNS) => db.execute(query) as Promise<Rows>;

let postgres: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;

beforeAll(async () => {
  postgres = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'zapdeploy-pglite-'));
});
afterAll(async () => {
  await postgres?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('committed migrations', () => {
  it('build the same schema on Postgres and on embedded PGlite', async () => {
    const pg = await openDatabase({ url: postgres.url });
    const lite = await openDatabase({ dataDir: dir });
    try {
      await pg.migrate();
      await lite.migrate();
      const [pgColumns, liteColumns] = await Promise.all([rows(pg.db, COLUMNS), rows(lite.db, COLUMNS)]);
      expect(pgColumns.rows.length).toBeGreaterThan(50);
      expect(liteColumns.rows).toEqual(pgColumns.rows);
      const [pgIndexes, liteIndexes] = await Promise.all([rows(pg.db, INDEXES), rows(lite.db, INDEXES)]);
      expect(liteIndexes.rows).toEqual(pgIndexes.rows);
      const [pgPlans, litePlans] = await Promise.all([new PlanRepository(pg.db).listActive(), new PlanRepository(lite.db).listActive()]);
      expect(litePlans).toEqual(pgPlans);
      expect(pgPlans.map((p) => [p.slug, p.priceCents])).toEqual([
        ['dev', 0],
        ['bot', 500],
        ['bot-plus', 1500],
        ['pro', 5000],
      ]);
    } finally {
      await pg.close();
      await lite.close();
    }
  });

  it('run again without changing anything, and embedded data survives a reopen', async () => {
    const first = await openDatabase({ dataDir: dir });
    await first.migrate();
    await first.db.insert(tables.users).values({ id: 'u_persist', name: 'Persist', email: 'persist@example.com' });
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    try {
      await second.migrate();
      const users = await second.db.select().from(tables.users);
      expect(users.map((r) => r.email)).toContain('persist@example.com');
      expect(await new PlanRepository(second.db).listActive()).toHaveLength(4);
    } finally {
      await second.close();
    }
  });
});
