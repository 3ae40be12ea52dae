import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { registerDailyJob, startDailyJob } from '../lib/daily-job.ts';
import { type Db, selectRows } from './client.ts';

/** At night in the business time zone, after the sync log's pruning (2 h) has freed its rows. */
const MAINTENANCE_HOUR = 3;

/**
 * VACUUM and ANALYZE of every table of the app, one table at a time (other statements run between
 * two tables). PostgreSQL's autovacuum does this by itself; the embedded database runs PostgreSQL
 * in single-user mode, where the autovacuum daemon never runs: without this, the space of updated
 * and deleted rows (orders' statuses, stock levels at every delivery, devices at every sync) is
 * never made reusable, and the planner never gets statistics.
 */
export async function vacuumAndAnalyze(db: Db): Promise<{ tables: number; ms: number }> {
  const started = performance.now();
  const tables = await selectRows<{ name: string }>(
    db,
    sql`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
        WHERE schemaname IN ('public', 'drizzle') ORDER BY schemaname, tablename`,
  );
  for (const { name } of tables) await db.execute(sql.raw(`VACUUM (ANALYZE) ${name}`));
  return { tables: tables.length, ms: Math.round(performance.now() - started) };
}

/** The embedded database's upkeep at start-up and every night; PostgreSQL keeps its own. */
export function registerEmbeddedMaintenance(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'database' | 'db' | 'config'>,
): void {
  if (deps.database.kind !== 'pglite') return;
  registerDailyJob(app, (log: FastifyBaseLogger) =>
    startDailyJob({
      name: 'database maintenance (VACUUM, ANALYZE)',
      hour: MAINTENANCE_HOUR,
      timeZone: deps.config.timeZone,
      log,
      run: () => vacuumAndAnalyze(deps.db),
    }),
  );
}
