import { closeSync, openSync, readFileSync, readSync, renameSync } from 'node:fs';
import pg from 'pg';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { lockDataDir } from '../db/data-dir-lock.ts';
import { isNonEmptyDir, libpqEnv, run } from './backup.ts';
import { countBusinessRows, findLedgerProblems, type LedgerProblem } from './ledger-invariants.ts';

export type BackupKind = 'postgres' | 'pglite';

export type RestoreResult = {
  kind: BackupKind;
  /** Migrations recorded in the copy; the server applies newer ones when it starts on it. */
  migrations: number;
  counts: Record<string, number>;
  problems: LedgerProblem[];
  /** Where the replaced PGlite data went (`--force`); it is kept, never deleted. */
  movedAside?: string;
};

export class RestoreRefusedError extends Error {}

/** pg_dump's custom format starts with `PGDMP`; the PGlite dump is a gzip tarball. */
export function backupKind(file: string): BackupKind {
  const head = Buffer.alloc(5);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  throw new RestoreRefusedError(
    `${file} is not a Gapal backup (neither pg_dump custom format nor a PGlite dump)`,
  );
}

/**
 * Restores `file` into the configured database: created if missing, refused if it already
 * holds tables unless `force`. Then checks the ledger invariants and counts the rows, so the
 * caller can tell a good copy from a bad one before starting the server on it.
 */
export async function restoreBackup(
  config: Config,
  file: string,
  options: { force?: boolean } = {},
): Promise<RestoreResult> {
  const kind = backupKind(file);
  if (kind !== config.database.kind) {
    throw new RestoreRefusedError(
      kind === 'postgres'
        ? 'This is a PostgreSQL backup: set DATABASE_URL to the database to restore into.'
        : 'This is an embedded (PGlite) backup: unset DATABASE_URL and set GAPAL_DATA_DIR to restore into.',
    );
  }
  let movedAside: string | undefined;
  const database = config.database;
  if (database.kind === 'postgres') {
    await restorePostgres(database.url, file, options.force ?? false);
  } else {
    movedAside = await restorePglite(database.dataDir, file, options.force ?? false);
  }
  const opened = await openDatabase(
    database.kind === 'postgres'
      ? { ...database, poolSize: 2 }
      : { kind: 'pglite', dataDir: database.dataDir },
  );
  try {
    return {
      kind,
      migrations: (await opened.migrationState()).applied,
      counts: await countBusinessRows(opened.db),
      problems: await findLedgerProblems(opened.db),
      ...(movedAside ? { movedAside } : {}),
    };
  } finally {
    await opened.close();
  }
}

async function restorePostgres(url: string, file: string, force: boolean): Promise<void> {
  await createDatabaseIfMissing(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    if ((rows[0]?.n ?? 0) > 0) {
      if (!force) {
        throw new RestoreRefusedError(
          `The database ${new URL(url).pathname.slice(1)} is not empty: restore into a fresh one, or pass --force to replace its content.`,
        );
      }
      // The ledger's append-only triggers refuse TRUNCATE, not DROP: the schemas go whole.
      await client.query('DROP SCHEMA IF EXISTS drizzle CASCADE');
      await client.query('DROP SCHEMA IF EXISTS public CASCADE');
      await client.query('CREATE SCHEMA public');
    }
  } finally {
    await client.end();
  }
  const { url: safeUrl, env } = libpqEnv(url);
  // One transaction: a failed restore leaves the database as it was, never half-filled.
  await run(
    'pg_restore',
    ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${safeUrl}`, file],
    env,
  );
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function restorePglite(dataDir: string, file: string, force: boolean): Promise<string | undefined> {
  let movedAside: string | undefined;
  // Taken before looking: no server may hold the data dir while it is replaced.
  const unlock = lockDataDir(dataDir);
  try {
    if (isNonEmptyDir(dataDir)) {
      if (!force) {
        throw new RestoreRefusedError(
          `${dataDir} already holds a database: restore into an empty GAPAL_DATA_DIR, or pass --force (the current one is moved aside, not deleted).`,
        );
      }
      movedAside = `${dataDir}.replaced-${new Date()
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}`;
      renameSync(dataDir, movedAside);
    }
  } finally {
    unlock();
  }
  const database = await openDatabase({
    kind: 'pglite',
    dataDir,
    loadDataDir: new Blob([readFileSync(file)]),
  });
  await database.close();
  return movedAside;
}
