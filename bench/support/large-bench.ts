/**
 * A bench on a large database (issue #23): a first server process migrates and bootstraps a
 * throwaway database and the bench prepares what goes through the API (stock received); that
 * process stops, the bench bulk-loads its history in SQL, the database is vacuumed and analyzed
 * (autovacuum is off on the bench machine) — unless `BENCH_NO_ANALYZE=1`: then neither, the
 * "fragile plans" case — and checkpointed, and a new server process, started right after, is the
 * one measured. The big tables' row counts are printed before anything is measured.
 */
import type pg from 'pg';
import {
  type BenchServer,
  firstSiteId,
  startBenchServer,
  withBenchDatabase,
  withBenchServer,
  withClient,
} from './bench-server.ts';
import { tableRows } from './history-seed.ts';

/** `BENCH_NO_ANALYZE=1`: no VACUUM or ANALYZE after the bulk load. */
export const NO_ANALYZE = process.env.BENCH_NO_ANALYZE === '1';

export type LargeBench = { server: BenchServer; db: pg.Client; url: string; siteId: string };

export async function withLargeBench<P, T>(
  prefix: string,
  {
    env,
    prepare,
    load,
  }: {
    env: Record<string, string>;
    /** With the first server: users, products, stock through the API. */
    prepare: (bench: LargeBench) => Promise<P>;
    /** The bulk load, in SQL, with no server running. */
    load: (db: pg.Client, prepared: P, siteId: string) => Promise<void>;
  },
  measure: (bench: LargeBench, prepared: P) => Promise<T>,
): Promise<T> {
  return withBenchDatabase(prefix, async ({ url }) => {
    const { prepared, siteId } = await withBenchServer({ databaseUrl: url, env }, (server) =>
      withClient(url, async (db) => {
        const siteId = await firstSiteId(db);
        return { prepared: await prepare({ server, db, url, siteId }), siteId };
      }),
    );
    await withClient(url, async (db) => {
      const started = performance.now();
      await load(db, prepared, siteId);
      const loaded = performance.now();
      if (!NO_ANALYZE) await db.query('VACUUM ANALYZE');
      const analyzed = performance.now();
      // Write the load's dirty pages out now, so its checkpoint does not land in a measurement.
      await db.query('CHECKPOINT');
      // Index use counted from here: what the measured workloads read, not the load.
      await db.query('SELECT pg_stat_reset()');
      console.log(
        `bulk load ${((loaded - started) / 1000).toFixed(0)} s, ${
          NO_ANALYZE
            ? 'no VACUUM ANALYZE (BENCH_NO_ANALYZE=1)'
            : `VACUUM ANALYZE ${((analyzed - loaded) / 1000).toFixed(0)} s`
        }, checkpoint ${((performance.now() - analyzed) / 1000).toFixed(0)} s`,
      );
    });
    // A new process on the loaded database, as a server restarted after a restore.
    const server = await startBenchServer({ databaseUrl: url, env });
    try {
      return await withClient(url, async (db) => {
        const rows = await tableRows(db);
        console.log(
          `rows when measuring starts: ${Object.entries(rows)
            .map(([table, n]) => `${table} ${n.toLocaleString('en-US')}`)
            .join(', ')}`,
        );
        return measure({ server, db, url, siteId }, prepared);
      });
    } finally {
      await server.stop();
    }
  });
}

/** `pg_stat_user_indexes` of `tables`: scans of each index since the load, and its size. */
export async function printIndexUse(db: pg.Client, tables: string[]): Promise<void> {
  const { rows } = await db.query<{ table: string; index: string; scans: string; size: string }>(
    `SELECT relname AS table, indexrelname AS index, idx_scan::text AS scans,
       pg_size_pretty(pg_relation_size(indexrelid)) AS size
     FROM pg_stat_user_indexes WHERE relname = ANY($1) ORDER BY relname, idx_scan DESC, indexrelname`,
    [tables],
  );
  console.log('\nIndex use since the bulk load (pg_stat_user_indexes):\n');
  console.log('| table | index | scans | size |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.table} | ${row.index} | ${row.scans} | ${row.size} |`);
}
