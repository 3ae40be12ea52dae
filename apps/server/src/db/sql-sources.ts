import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { Pool } from 'pg';

// The database's functions and triggers are source files (functions/README.md), applied by
// `Database.migrate()` right after the Drizzle migrations, under the same lock.

export const SQL_SOURCES_FOLDER = fileURLToPath(new URL('./functions', import.meta.url));

export type SqlSource = { name: string; text: string; checksum: string };

/** The `.sql` files of the folder, in name order: the order they are applied in. */
export function readSqlSources(folder = SQL_SOURCES_FOLDER): SqlSource[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => sqlSource(name, readFileSync(path.join(folder, name), 'utf8')));
}

export function sqlSource(name: string, text: string): SqlSource {
  return { name, text, checksum: createHash('sha256').update(text).digest('hex') };
}

/** One connection inside a transaction: a statement with parameters, or a script of several. */
export type SqlSession = {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
  exec(script: string): Promise<void>;
};

/** Runs `work` in one transaction, committed when it returns and rolled back when it throws. */
export type InTransaction = <T>(work: (session: SqlSession) => Promise<T>) => Promise<T>;

export function pgliteTransactions(client: PGlite): InTransaction {
  return (work) =>
    client.transaction((tx) =>
      work({
        query: async <T>(text: string, values?: unknown[]) => (await tx.query<T>(text, values)).rows,
        exec: async (script) => {
          await tx.exec(script);
        },
      }),
    );
}

export function pgTransactions(pool: Pool): InTransaction {
  return async (work) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <T>(text: string, values?: unknown[]) => (await client.query(text, values)).rows as T[],
        // Without parameters node-postgres sends the simple query protocol, which takes several statements.
        exec: async (script) => {
          await client.query(script);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
}

/**
 * Applies the source files that changed, in one transaction, and records each file's checksum in
 * `drizzle.gapal_sql_sources` (next to Drizzle's own table: it goes with the migrations, and
 * outside the schema drizzle-kit compares). A file is applied again when its text changed, or when
 * a migration ran since it was applied (a migration that drops a table drops its triggers);
 * otherwise it is skipped, so a start-up with nothing new reads one table. Call it after the
 * migrations, while holding the migration lock (`Database.migrate()` does).
 */
export async function applySqlSources(
  inTransaction: InTransaction,
  sources: SqlSource[] = readSqlSources(),
): Promise<{ applied: string[]; unchanged: string[] }> {
  return inTransaction(async (session) => {
    await session.exec(`CREATE TABLE IF NOT EXISTS drizzle.gapal_sql_sources (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      migrations int NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const [count] = await session.query<{ migrations: number }>(
      'SELECT count(*)::int AS migrations FROM drizzle.__drizzle_migrations',
    );
    const migrations = count?.migrations ?? 0;
    const recorded = new Map(
      (
        await session.query<{ name: string; checksum: string; migrations: number }>(
          'SELECT name, checksum, migrations FROM drizzle.gapal_sql_sources',
        )
      ).map((row) => [row.name, row]),
    );
    const applied: string[] = [];
    const unchanged: string[] = [];
    for (const source of sources) {
      const row = recorded.get(source.name);
      if (row?.checksum === source.checksum && row.migrations === migrations) {
        unchanged.push(source.name);
        continue;
      }
      try {
        await session.exec(source.text);
      } catch (error) {
        throw new Error(`${source.name}: ${(error as Error).message}`, { cause: error });
      }
      await session.query(
        `INSERT INTO drizzle.gapal_sql_sources (name, checksum, migrations) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE
         SET checksum = excluded.checksum, migrations = excluded.migrations, applied_at = now()`,
        [source.name, source.checksum, migrations],
      );
      applied.push(source.name);
    }
    return { applied, unchanged };
  });
}
