import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_FOLDER, openDatabase } from './client.ts';
import {
  type InTransaction,
  pgliteTransactions,
  readSqlSources,
  type SqlSession,
  type SqlSource,
} from './sql-sources.ts';

/** The last migration allowed to create functions and triggers: those after it change tables only. */
export const LAST_MIGRATION_WITH_ROUTINES = 14;

const CREATES_ROUTINE =
  /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+|EVENT\s+)?(?:FUNCTION|PROCEDURE|TRIGGER)\b/i;

/**
 * The migrations after `LAST_MIGRATION_WITH_ROUTINES` that create a function, procedure or
 * trigger (comments aside): those belong in src/db/functions/. Dropping one is allowed (a
 * migration may have to drop a trigger before the column it reads).
 */
export function migrationsCreatingRoutines(migrationsFolder = MIGRATIONS_FOLDER): string[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ idx: number; tag: string }>;
  };
  return journal.entries
    .filter((entry) => entry.idx > LAST_MIGRATION_WITH_ROUTINES)
    .map((entry) => `${entry.tag}.sql`)
    .filter((file) => {
      const text = readFileSync(path.join(migrationsFolder, file), 'utf8').replace(/--[^\n]*/g, '');
      return CREATES_ROUTINE.test(text);
    });
}

/**
 * `npm run db:check`'s database half: an empty embedded database migrated as at start-up, then
 * compared with the source files (`compareWithSources`), and the migrations' rule above. Returns
 * the problems, empty when there are none.
 */
export async function checkSqlSources(): Promise<string[]> {
  const problems = migrationsCreatingRoutines().map(
    (file) => `drizzle/${file} creates a function or trigger: define it in src/db/functions/ instead`,
  );
  const database = await openDatabase({ kind: 'pglite' });
  try {
    await database.migrate();
    const client = (database.db as unknown as { $client: PGlite }).$client;
    problems.push(...(await compareWithSources(pgliteTransactions(client))));
  } finally {
    await database.close();
  }
  return problems;
}

/**
 * Every function and trigger of the database outside PostgreSQL's own schemas and extensions,
 * as PostgreSQL prints it (`pg_get_functiondef`, `pg_get_triggerdef`), keyed `function
 * name(argument types)` or `trigger name on table`.
 */
export async function readDefinitions(session: SqlSession): Promise<Map<string, string>> {
  const rows = await session.query<{ key: string; definition: string }>(
    `SELECT 'function ' || p.oid::regprocedure::text AS key, pg_get_functiondef(p.oid) AS definition
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND p.prokind IN ('f', 'p')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
     UNION ALL
     SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, pg_get_triggerdef(t.oid)
     FROM pg_trigger t
     WHERE NOT t.tgisinternal
     ORDER BY 1`,
  );
  return new Map(rows.map((row) => [row.key, row.definition]));
}

/**
 * Compares the database's functions and triggers with what the source files alone define: in one
 * transaction, it drops every function and trigger, applies the files and reads what they made,
 * then rolls all of that back. Returns one line per difference: a function or trigger only a
 * migration defines (or left behind), one defined otherwise than its file says, or one the files
 * define that the database lacks (its sources not applied). Empty when they agree.
 */
export async function compareWithSources(
  inTransaction: InTransaction,
  sources: SqlSource[] = readSqlSources(),
): Promise<string[]> {
  return inTransaction(async (session) => {
    const actual = await readDefinitions(session);
    await session.exec('SAVEPOINT sources_check');
    try {
      const triggers = await session.query<{ statement: string }>(
        `SELECT format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass) AS statement
         FROM pg_trigger t WHERE NOT t.tgisinternal`,
      );
      for (const { statement } of triggers) await session.exec(statement);
      for (const key of actual.keys()) {
        if (key.startsWith('function ')) await session.exec(`DROP ROUTINE ${key.slice('function '.length)}`);
      }
      for (const source of sources) await session.exec(source.text);
      const expected = await readDefinitions(session);
      return differences(actual, expected);
    } finally {
      await session.exec('ROLLBACK TO SAVEPOINT sources_check');
    }
  });
}

function differences(actual: Map<string, string>, expected: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [key, definition] of actual) {
    const wanted = expected.get(key);
    if (wanted === undefined) lines.push(`${key}: in the database, defined by no file of src/db/functions/`);
    else if (wanted !== definition) lines.push(`${key}: differs from its definition in src/db/functions/`);
  }
  for (const key of expected.keys()) {
    if (!actual.has(key)) lines.push(`${key}: defined in src/db/functions/, missing from the database`);
  }
  return lines;
}
