import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.ts';
import { selectRows } from './client.ts';
import { registerEmbeddedMaintenance, vacuumAndAnalyze } from './maintenance.ts';

describe('database maintenance', () => {
  const t = useTestApp();
  const statisticsOf = async (table: string) =>
    (
      await selectRows<{ n: number }>(
        t.db,
        sql`SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = 'public' AND tablename = ${table}`,
      )
    )[0]!.n;

  // First: it needs tables nobody has analyzed yet.
  it('runs at start-up on the embedded database (no autovacuum there) and leaves PostgreSQL to its own', async () => {
    expect(await statisticsOf('sites')).toBe(0);
    const app = Fastify({ logger: false });
    registerEmbeddedMaintenance(app, { database: t.database, db: t.db, config: t.config });
    await app.ready();
    // Closing waits for a run in progress.
    await app.close();
    expect((await statisticsOf('sites')) > 0).toBe(!t.isPostgres);
  });

  it('vacuums and analyzes every table of the app, one after the other', async () => {
    await t.db.execute(sql`INSERT INTO categories (name) VALUES ('Yaourts'), ('Lait caillé')`);
    expect(await statisticsOf('categories')).toBe(0);
    const result = await vacuumAndAnalyze(t.db);
    const [tables] = await selectRows<{ n: number }>(
      t.db,
      sql`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname IN ('public', 'drizzle')`,
    );
    expect(result.tables).toBe(tables!.n);
    expect(await statisticsOf('categories')).toBeGreaterThan(0);
  });
});
