import type { PGlite } from '@electric-sql/pglite';
import { type Database, pgliteDatabase } from '../src/db/client.ts';

/**
 * PGlite instances handed from one test file to the next within a worker process. Starting one
 * from the template costs about 0.3–0.45 s of CPU (PostgreSQL's start in WebAssembly and the
 * dump's unpacking), about 40 s over a run; emptying the tables costs a fraction of that.
 *
 * A file's database is given back at its end: every table of the app emptied (sequences restarted,
 * the append-only tables' triggers bypassed for this one statement), statistics from an ANALYZE
 * dropped, the session's settings discarded. The next file gets it only if its schema (tables,
 * columns, indexes, constraints, functions, triggers, settings, migrations applied) is still the
 * template's; a file that changed any of that leaves a fresh instance to the next.
 */

/** Idle instances kept per worker: a file opens one app, a few open two. */
const MAX_IDLE = 2;
/** A database still busy after this long (a transaction left open) is not reused. */
const RESET_TIMEOUT_MS = 10_000;

type WorkerInstances = { fingerprint: string | null; idle: PGlite[] };

/**
 * The worker's instances by template, on globalThis: the harness module may be loaded afresh by a
 * file that resets its modules, the instances outlive it.
 */
function workerInstances(template: string): WorkerInstances {
  const store = globalThis as { gapalPglites?: Map<string, WorkerInstances> };
  store.gapalPglites ??= new Map();
  let instances = store.gapalPglites.get(template);
  if (!instances) {
    instances = { fingerprint: null, idle: [] };
    store.gapalPglites.set(template, instances);
  }
  return instances;
}

/**
 * A database for one test file: an instance a previous file gave back, or a new one from
 * `start` (which opens the template). Closing it gives the instance back; from then on this
 * file's handle refuses every statement, so work a closed app left running can never write into
 * the next file's database.
 */
export async function openReusedPglite(template: string, start: () => Promise<Database>): Promise<Database> {
  const instances = workerInstances(template);
  let client = instances.idle.pop();
  if (!client) {
    client = clientOf(await start());
    instances.fingerprint ??= await schemaFingerprint(client);
  }
  const own = client;
  let released = false;
  const database = pgliteDatabase(
    closedWhenReleased(own, () => released),
    async () => {
      if (released) return;
      released = true;
      const reset =
        instances.idle.length < MAX_IDLE ? await resetForNextFile(own, instances.fingerprint) : 'dropped';
      if (reset === 'reusable') instances.idle.push(own);
      // A database still busy would hold its close as long: it is left to the worker's exit.
      else if (reset !== 'busy') await own.close().catch(() => {});
    },
  );
  underlying.set(database, own);
  return database;
}

const underlying = new WeakMap<Database, PGlite>();

/** The PGlite instance under a test file's database (to tell whether two files shared one). */
export function pgliteInstanceOf(database: Database): PGlite | undefined {
  return underlying.get(database);
}

/** The instance as one file sees it: every method refuses once the file has closed it. */
function closedWhenReleased(client: PGlite, isReleased: () => boolean): PGlite {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (isReleased()) throw new Error('this test file closed its database');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

function clientOf(database: Database): PGlite {
  return (database.db as unknown as { $client: PGlite }).$client;
}

/**
 * Empties the app's tables: `reusable` when the schema is still the template's, `changed` when a
 * file changed it (or the reset failed), `busy` when a transaction left open kept it from running.
 */
async function resetForNextFile(
  client: PGlite,
  fingerprint: string | null,
): Promise<'reusable' | 'changed' | 'busy'> {
  if (client.closed || fingerprint === null) return 'changed';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'busy'>((resolve) => {
    timer = setTimeout(() => resolve('busy'), RESET_TIMEOUT_MS);
  });
  const reset = (async () => {
    const [statement] = (
      await client.query<{ truncate: string | null; sequences: string | null }>(
        `SELECT (SELECT 'TRUNCATE ' || string_agg(format('%I.%I', schemaname, tablename), ', ')
                   FROM pg_tables WHERE schemaname = 'public') AS truncate,
                (SELECT string_agg(format('ALTER SEQUENCE %I.%I RESTART', schemaname, sequencename), '; ')
                   FROM pg_sequences WHERE schemaname = 'public') AS sequences`,
      )
    ).rows;
    // `replica` skips the append-only tables' BEFORE TRUNCATE triggers for this session only.
    await client.exec(
      [
        'SET session_replication_role = replica',
        statement?.truncate,
        statement?.sequences,
        `DELETE FROM pg_statistic WHERE starelid IN
           (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)`,
      ]
        .filter(Boolean)
        .join(';\n'),
    );
    // Session settings, prepared statements, LISTENs, advisory locks, temporary tables.
    await client.exec('DISCARD ALL');
    return (await schemaFingerprint(client)) === fingerprint ? ('reusable' as const) : ('changed' as const);
  })().catch(() => 'changed' as const);
  try {
    return await Promise.race([reset, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a test could change in the database besides its rows, as one hash. */
async function schemaFingerprint(client: PGlite): Promise<string> {
  const [row] = (
    await client.query<{ fingerprint: string }>(
      `SELECT md5(string_agg(item, E'\\n' ORDER BY item)) AS fingerprint FROM (
         SELECT 'rel ' || c.oid::regclass || ' ' || c.relkind::text || ' ' || coalesce(c.reloptions::text, '')
           || ' ' || coalesce(pg_get_indexdef(c.oid), '') AS item
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
         UNION ALL SELECT 'col ' || a.attrelid::regclass || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || ' ' || a.attnotnull::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
             AND a.attnum > 0 AND NOT a.attisdropped
         UNION ALL SELECT 'con ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
           FROM pg_constraint WHERE connamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
         UNION ALL SELECT 'fn ' || p.oid::regprocedure || ' ' || md5(p.prosrc) || ' ' || coalesce(p.proconfig::text, '')
           FROM pg_proc p WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
         UNION ALL SELECT 'trg ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text || ' ' || tgfoid::regproc
           FROM pg_trigger WHERE NOT tgisinternal
         UNION ALL SELECT 'ns ' || nspname FROM pg_namespace
         UNION ALL SELECT 'type ' || t.oid::regtype || ' ' || coalesce((SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder)
           FROM pg_enum e WHERE e.enumtypid = t.oid), '')
           FROM pg_type t WHERE t.typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)
         UNION ALL SELECT 'role ' || rolname || ' ' || rolsuper::text || ' ' || coalesce(rolconfig::text, '') FROM pg_roles
         UNION ALL SELECT 'setting ' || setdatabase::text || ' ' || setrole::text || ' ' || setconfig::text FROM pg_db_role_setting
         UNION ALL SELECT 'ext ' || extname || ' ' || extversion FROM pg_extension
         UNION ALL SELECT 'db ' || datname FROM pg_database
         UNION ALL SELECT 'migration ' || hash FROM drizzle.__drizzle_migrations
         UNION ALL SELECT 'source ' || s::text FROM drizzle.gapal_sql_sources s
       ) items`,
    )
  ).rows;
  return row!.fingerprint;
}
