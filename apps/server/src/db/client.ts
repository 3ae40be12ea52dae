import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { type ExtractTablesWithRelations, type SQL, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import * as schema from './schema.ts';
import { applySqlSources, pgliteTransactions, pgTransactions } from './sql-sources.ts';

export type Schema = typeof schema;
/** A database handle or an open transaction: repos take either as their first argument. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; poolSize: number }
  | ({ kind: 'pglite' } & PgliteOptions);

export type PgliteOptions = {
  dataDir?: string;
  loadDataDir?: Blob;
  /** PostgreSQL settings given at start (`-c name=value`), after PGlite's own. */
  settings?: Record<string, string>;
  /** Extra `initdb` arguments, used when the data directory is created. */
  initdbArgs?: readonly string[];
};

export type Database = {
  kind: 'postgres' | 'pglite';
  db: Db;
  /**
   * Applies the pending migrations, then the functions and triggers of `db/functions/` that
   * changed (`applySqlSources`); on PostgreSQL under the lock of `exclusive`.
   */
  migrate(): Promise<void>;
  /** Number of migrations applied and expected, for the readiness check. */
  migrationState(): Promise<{ applied: number; expected: number }>;
  /**
   * Runs `task` while no other Gapal process runs start-up work on this database (first-start
   * setup after the migrations): processes started together would otherwise both create it.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Runs `run` in a transaction whose statements are pipelined: they go out without waiting for
   * the previous ones' answers (node-postgres' pipeline mode, on a connection of its own), so
   * BEGIN travels with the first statement and `finish(last)` sends COMMIT right behind the last
   * one: two round trips fewer than `db.transaction`, for the delivery batches that hold stock
   * locks across their round trips (bench/RESULTS.md). `run` awaits the statements whose answers
   * it needs as in any transaction, and sends nothing after `finish`; without `finish` the
   * transaction commits when `run` returns. The transactions share one connection: the next one
   * starts as soon as this one has sent its COMMIT, so its first statements travel with it
   * (orders/order-delivery-queue.ts starts the next batch from `finish`). On PGlite it is an
   * ordinary transaction.
   */
  pipelinedTransaction<T>(run: (tx: Db, finish: FinishTransaction) => Promise<T>): Promise<T>;
  /** Connection pool usage for the metrics; null on PGlite, which has no pool. */
  poolStats(): { total: number; idle: number; waiting: number } | null;
  close(): Promise<void>;
};

/**
 * Ends a transaction with its last statement, already sent: commits right behind it and returns
 * its result once both are done (see `Database.pipelinedTransaction`).
 */
export type FinishTransaction = <T>(last: Promise<T>) => Promise<T>;

/** `FinishTransaction` for a transaction that commits when its callback returns. */
export const finishOnReturn: FinishTransaction = (last) => last;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
// Any constant will do: it only has to be the same in every Gapal process.
const MIGRATION_LOCK_KEY = 4_242_017;

/**
 * Settings of every connection the server opens (the pool and the delivery connections). JIT off:
 * the server's statements are short, and JIT is decided on the planner's cost estimate. On a table
 * just bulk-loaded and not yet analyzed, the order read's generic plan (readOrders) was estimated
 * at 7 788 items and 1 839 payments per order (the default selectivity without statistics), over
 * jit_above_cost, so every delivery compiled about 95 functions with LLVM, 100 ms, for a statement
 * that runs in under a millisecond: 4× fewer deliveries per second until an ANALYZE (issue #23,
 * `npm run bench unanalyzed`). With JIT off, no estimate, however wrong, buys a compilation.
 */
export const SESSION_OPTIONS = '-c jit=off';

// Dates and counts come back as JS values; bigint ids are small enough for numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') return openPostgres(options.url, options.poolSize);
  return openPglite(options);
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'gapal',
    options: SESSION_OPTIONS,
  });
  pool.on('error', () => {
    // An idle client lost its connection (server restart): the pool replaces it on next use.
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const pipelined = pipelinedTransactions(url);
  // Several processes may start together: the advisory lock lets one at a time through.
  async function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const lockClient = await pool.connect();
    try {
      await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      return await task();
    } finally {
      await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
      lockClient.release();
    }
  }
  return {
    kind: 'postgres',
    db,
    async migrate() {
      await exclusive(async () => {
        await migratePg(drizzlePg(pool, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
        await applySqlSources(pgTransactions(pool));
      });
    },
    exclusive,
    migrationState: () => readMigrationState(db),
    pipelinedTransaction: pipelined.run,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await Promise.all([pool.end(), pipelined.close()]);
    },
  };
}

/**
 * `Database.pipelinedTransaction` on PostgreSQL: one pipelined connection, opened on first use
 * and again after it is lost. The transactions take turns to send: one starts as soon as the one
 * before has sent its COMMIT, so its first statements travel with that COMMIT and PostgreSQL runs
 * them right after it. Once its COMMIT is sent a transaction sends nothing more, not even a
 * ROLLBACK, which would land in the next one: a failed statement makes PostgreSQL answer the
 * COMMIT with a rollback.
 */
function pipelinedTransactions(url: string): {
  run: Database['pipelinedTransaction'];
  close(): Promise<void>;
} {
  let open: Promise<{ client: pg.Client; tx: Db }> | null = null;
  /** Settles when the transaction started last has sent its last statement. */
  let sendTurn: Promise<void> = Promise.resolve();

  function connection(): Promise<{ client: pg.Client; tx: Db }> {
    if (open) return open;
    const client = new pg.Client({
      connectionString: url,
      application_name: 'gapal-deliveries',
      pipeline: true,
      options: SESSION_OPTIONS,
    });
    const opening = client
      .connect()
      .then(() => ({ client, tx: drizzlePg(client, { schema }) as unknown as Db }));
    const forget = () => {
      if (open === opening) open = null;
    };
    // A lost connection fails the statements in flight; the next transaction opens a new one.
    client.on('error', forget);
    client.on('end', forget);
    opening.catch(forget);
    open = opening;
    return opening;
  }

  return {
    async run(run) {
      const previous = sendTurn;
      let passTurn!: () => void;
      sendTurn = new Promise((resolve) => {
        passTurn = resolve;
      });
      try {
        await previous;
        const { client, tx } = await connection();
        const begin = client.query('BEGIN');
        begin.catch(() => {}); // a failed BEGIN fails the statements behind it, which report it
        let commit: Promise<unknown> | null = null;
        const sendCommit = () => {
          commit = client.query('COMMIT');
          passTurn();
          return commit;
        };
        const finish: FinishTransaction = async (last) => {
          const [result] = await Promise.all([last, sendCommit()]);
          return result;
        };
        try {
          const result = await run(tx, finish);
          await (commit ?? sendCommit());
          return result;
        } catch (error) {
          (commit as Promise<unknown> | null)?.catch(() => {});
          if (!commit) await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      } finally {
        passTurn();
      }
    },
    async close() {
      await sendTurn;
      const current = open;
      open = null;
      if (current) await current.then(({ client }) => client.end()).catch(() => {});
    },
  };
}

async function openPglite(options: PgliteOptions): Promise<Database> {
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => [
    '-c',
    `${name}=${value}`,
  ]);
  const client = new PGlite({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    startParams: [...PGlite.defaultStartParams, ...settings],
    initDbStartParams: options.initdbArgs ? [...options.initdbArgs] : undefined,
    // The order list's search index (migration 0017).
    extensions: { pg_trgm },
  });
  try {
    await client.waitReady;
  } catch (error) {
    unlock();
    throw error;
  }
  return pgliteDatabase(client, async () => {
    await client.close();
    unlock();
  });
}

/**
 * A Database over an open PGlite; `close` runs `release` (openPglite closes the instance; the
 * tests' harness may reset it and hand it to the next file instead).
 */
export function pgliteDatabase(client: PGlite, release: () => Promise<void>): Database {
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      await applySqlSources(pgliteTransactions(client));
    },
    migrationState: () => readMigrationState(db),
    // One connection, in-process: nothing to pipeline.
    pipelinedTransaction: (run) => db.transaction((tx) => run(tx, finishOnReturn)),
    // One process per data dir (see data-dir-lock.ts): nothing to wait for.
    exclusive: (task) => task(),
    poolStats: () => null,
    close: release,
  };
}

async function readMigrationState(db: Db): Promise<{ applied: number; expected: number }> {
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
  const rows = await selectRows<{ count: number }>(
    db,
    sql`SELECT count(*)::int AS count FROM drizzle.__drizzle_migrations`,
  );
  return { applied: Number(rows[0]?.count ?? 0), expected };
}

type PgliteClient = { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * `column = ANY(param)` for a list of keys, written so that PostgreSQL keeps the prepared
 * statement's generic plan. It keeps a generic plan only when it costs no more than a plan for
 * the actual values; for a bare array parameter it assumes ten keys where a custom plan counts
 * them, so `id = ANY($1::uuid[])` was planned anew on every run (a quarter of its CPU per
 * delivery, bench/RESULTS.md). Behind a sub-select neither plan sees the array, the generic
 * one wins, and the lookup is the same index scan.
 */
export function keyIn(column: string, param: string, type: 'uuid' | 'bigint' = 'uuid'): string {
  return `${column} = ANY((SELECT ${param}::${type}[])::${type}[])`;
}

/**
 * Runs a statement as a named prepared statement on node-postgres: each connection parses and
 * plans it once, then only binds and executes (PGlite has one connection and prepares by itself).
 * For the hot paths' statements, whose text never changes (lists go in as arrays). `db` is the
 * database or an open transaction: the statement runs on that handle's own connection.
 *
 * Lists of keys are matched with `keyIn`.
 */
export async function queryPrepared<T>(db: Db, name: string, text: string, values: unknown[]): Promise<T[]> {
  // Drizzle's session holds the pool, or the transaction's connection (a pg.Client).
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  if (client instanceof pg.Pool || client instanceof pg.Client) {
    return (await client.query({ name, text, values })).rows as T[];
  }
  return (await (client as PgliteClient).query(text, values)).rows as T[];
}

/** Runs raw SQL and returns its rows, the same on node-postgres and PGlite. */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
