import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_PGLITE, withAdmin, withDatabase } from '../../test/global-setup.ts';
import { openTestDatabase } from '../../test/harness.ts';
import { type Database, MIGRATIONS_FOLDER, openDatabase } from './client.ts';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.ts';
import {
  applySqlSources,
  type InTransaction,
  pgliteTransactions,
  pgTransactions,
  readSqlSources,
  sqlSource,
} from './sql-sources.ts';
import { compareWithSources, migrationsCreatingRoutines, readDefinitions } from './sql-sources-check.ts';

const pgTemplate = inject('pgTemplate');
const work = mkdtempSync(path.join(tmpdir(), 'gapal-sql-sources-'));
const created: string[] = [];

afterAll(async () => {
  if (pgTemplate) {
    await withAdmin(pgTemplate.adminUrl, async (client) => {
      for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  }
  rmSync(work, { recursive: true, force: true });
});

/** A database with nothing in it, of the run's kind. */
async function openEmptyDatabase(poolSize = 3): Promise<Database> {
  if (!pgTemplate) return openDatabase({ kind: 'pglite', ...TEST_PGLITE });
  const name = `gapal_src_${pgTemplate.runId}_${process.pid}_${created.length}`;
  created.push(name);
  await withAdmin(pgTemplate.adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return openDatabase({ kind: 'postgres', url: withDatabase(pgTemplate.adminUrl, name), poolSize });
}

function transactionsOf(database: Database): InTransaction {
  const client = (database.db as unknown as { $client: unknown }).$client;
  return database.kind === 'pglite' ? pgliteTransactions(client as PGlite) : pgTransactions(client as Pool);
}

async function definitionsOf(database: Database): Promise<Map<string, string>> {
  return transactionsOf(database)(readDefinitions);
}

/** Drizzle's migrator alone, as `migrate()` was before the source files: no functions applied. */
async function migrateWithoutSources(database: Database, migrationsFolder: string): Promise<void> {
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.kind === 'pglite') await migratePglite(drizzlePglite(client as PGlite), { migrationsFolder });
  else await migratePg(drizzlePg(client as Pool), { migrationsFolder });
}

type Journal = { entries: Array<{ idx: number; when: number; tag: string }> };

/**
 * A migrations folder with the first `count` migrations, then `extra` ones: the journal and the
 * SQL files, all the migrators read.
 */
function migrationsFolder(options: { count?: number; extra?: string[] }): string {
  const folder = mkdtempSync(path.join(work, 'drizzle-'));
  const journal = readJournal();
  journal.entries = journal.entries.slice(0, options.count ?? journal.entries.length);
  for (const { tag } of journal.entries) {
    copyFileSync(path.join(MIGRATIONS_FOLDER, `${tag}.sql`), path.join(folder, `${tag}.sql`));
  }
  for (const text of options.extra ?? []) {
    const last = journal.entries.at(-1)!;
    const idx = last.idx + 1;
    const tag = `${String(idx).padStart(4, '0')}_extra`;
    writeFileSync(path.join(folder, `${tag}.sql`), text);
    journal.entries.push({ ...last, idx, tag, when: last.when + 1000 });
  }
  mkdirSync(path.join(folder, 'meta'));
  writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  return folder;
}

function readJournal(): Journal {
  return JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** How many migrations there are. */
function migrationCount(): number {
  return readJournal().entries.length;
}

/** The ledger refuses a TRUNCATE with this message (append-only.sql). */
async function expectTruncateRefused(database: Database, message: string): Promise<void> {
  await expect(
    transactionsOf(database)((session) => session.exec('TRUNCATE stock_movements')),
  ).rejects.toThrow(message);
}

describe('database functions and triggers as source files', () => {
  // One copy of the migrated template for the tests that need one (opening a copy costs seconds);
  // each test leaves it agreeing with the files, as it found it.
  let fresh: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    fresh = await openTestDatabase(3);
  });
  afterAll(async () => {
    await fresh.database.close();
    await fresh.drop();
  });

  it('a migrated database holds exactly the functions and triggers of src/db/functions/', async () => {
    const { database } = fresh;
    const inTransaction = transactionsOf(database);
    expect(await compareWithSources(inTransaction)).toEqual([]);
    const definitions = await definitionsOf(database);
    expect([...definitions.keys()]).toEqual(
      expect.arrayContaining([
        'function ledger_take_stock(uuid,movement_type,text,boolean,date,text[],uuid[],uuid[],uuid[],boolean[],integer[],uuid[],integer[],uuid[])',
        'trigger audit_log_no_truncate on audit_log',
        'trigger lots_sync_log_update on lots',
      ]),
    );
    // The stock rule's comments are in the function PostgreSQL holds, as in its file.
    expect([...definitions].find(([key]) => key.startsWith('function ledger_take_stock('))![1]).toContain(
      'FEFO: the product',
    );

    // What a migration would leave: a function and trigger no file defines, a file's changed.
    await inTransaction((session) =>
      session.exec(`
        CREATE FUNCTION stray_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
        CREATE TRIGGER stray_log AFTER INSERT ON sites FOR EACH STATEMENT EXECUTE FUNCTION stray_log();
        CREATE OR REPLACE TRIGGER lots_sync_log_update AFTER UPDATE ON lots
          FOR EACH ROW EXECUTE FUNCTION sync_log_site_stock();`),
    );
    expect(await compareWithSources(inTransaction)).toEqual([
      'function stray_log(): in the database, defined by no file of src/db/functions/',
      'trigger lots_sync_log_update on lots: differs from its definition in src/db/functions/',
      'trigger stray_log on sites: in the database, defined by no file of src/db/functions/',
    ]);
    // The comparison changed nothing.
    expect((await definitionsOf(database)).has('trigger stray_log on sites')).toBe(true);

    await inTransaction(async (session) => {
      await session.exec('DROP TRIGGER stray_log ON sites; DROP FUNCTION stray_log()');
      await session.exec(readSqlSources().find((source) => source.name === 'sync-change-log.sql')!.text);
    });
    expect(await compareWithSources(inTransaction)).toEqual([]);
  });

  it('applies nothing again unless a file changed, and then only that file', async () => {
    const { database } = fresh;
    const inTransaction = transactionsOf(database);
    const sources = readSqlSources();
    expect(sources.map((source) => source.name)).toEqual([
      'append-only.sql',
      'stock-ledger.sql',
      'sync-change-log.sql',
    ]);
    expect(await applySqlSources(inTransaction, sources)).toEqual({
      applied: [],
      unchanged: sources.map((source) => source.name),
    });

    const edited = sources.map((source) =>
      source.name === 'append-only.sql'
        ? sqlSource(source.name, source.text.replace("'% is append-only", "'% is append-only (edited)"))
        : source,
    );
    expect(edited[0]!.checksum).not.toBe(sources[0]!.checksum);
    expect((await applySqlSources(inTransaction, edited)).applied).toEqual(['append-only.sql']);
    await expectTruncateRefused(database, 'stock_movements is append-only (edited): TRUNCATE refused');
    expect((await applySqlSources(inTransaction, edited)).applied).toEqual([]);

    // Back to the files as they are: applied again, and the database agrees with them.
    expect((await applySqlSources(inTransaction)).applied).toEqual(['append-only.sql']);
    await expectTruncateRefused(database, 'stock_movements is append-only: TRUNCATE refused');
    expect(await compareWithSources(inTransaction)).toEqual([]);
  });

  it('applies every file again after a migration, which may have dropped a trigger', async () => {
    const { database } = fresh;
    const inTransaction = transactionsOf(database);
    await migrateWithoutSources(
      database,
      migrationsFolder({ extra: ['DROP TRIGGER stock_movements_no_truncate ON stock_movements;'] }),
    );
    expect(
      (await definitionsOf(database)).has('trigger stock_movements_no_truncate on stock_movements'),
    ).toBe(false);
    expect(await applySqlSources(inTransaction)).toEqual({
      applied: ['append-only.sql', 'stock-ledger.sql', 'sync-change-log.sql'],
      unchanged: [],
    });
    await expectTruncateRefused(database, 'stock_movements is append-only: TRUNCATE refused');
    expect((await applySqlSources(inTransaction)).applied).toEqual([]);
  });

  it('a database migrated one release at a time before the files existed ends as a fresh one', async () => {
    const upgraded = await openEmptyDatabase();
    try {
      // Production databases got the migrations one at a time, without the source files.
      for (let count = 1; count < migrationCount(); count += 1) {
        await migrateWithoutSources(upgraded, migrationsFolder({ count }));
      }
      const beforeUpgrade = await definitionsOf(upgraded);
      // The start-up of this version: the last migration, then the files.
      await upgraded.migrate();
      expect(await upgraded.migrationState()).toEqual({
        applied: migrationCount(),
        expected: migrationCount(),
      });
      const after = await definitionsOf(upgraded);
      expect(after).toEqual(await definitionsOf(fresh.database));
      // The ledger's functions are now the files' (the migrations' had no comments).
      const ledger = [...after.keys()].find((key) => key.startsWith('function ledger_take_stock('))!;
      expect(beforeUpgrade.get(ledger)).not.toContain('FEFO');
      expect(after.get(ledger)).toContain('FEFO');
      expect(await compareWithSources(transactionsOf(upgraded))).toEqual([]);
    } finally {
      await upgraded.close();
    }
  });

  it('two servers started together on one database do not race', async () => {
    if (pgTemplate) {
      // Both migrate at once: the advisory lock lets one through, the other then finds nothing to do.
      const first = await openEmptyDatabase();
      const url = withDatabase(pgTemplate.adminUrl, created.at(-1)!);
      const second = await openDatabase({ kind: 'postgres', url, poolSize: 3 });
      try {
        await Promise.all([first.migrate(), second.migrate()]);
        expect(await compareWithSources(transactionsOf(first))).toEqual([]);
        const rows = await transactionsOf(first)((session) =>
          session.query<{ name: string }>('SELECT name FROM drizzle.gapal_sql_sources ORDER BY name'),
        );
        expect(rows.map((row) => row.name)).toEqual(readSqlSources().map((source) => source.name));
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    } else {
      // One process per embedded data dir: while a server holds it, another is refused before
      // it opens the database, let alone migrates it.
      const dataDir = path.join(work, 'pglite');
      const unlock = lockDataDir(dataDir);
      try {
        await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
      } finally {
        unlock();
      }
    }
  });

  it('db:check refuses a migration after 0014 that creates a function or trigger', () => {
    expect(migrationsCreatingRoutines()).toEqual([]);
    const allowed = migrationsFolder({
      extra: [
        '-- Dropped before its column; sync-change-log.sql CREATE TRIGGER-s it again.\nDROP TRIGGER lots_sync_log_update ON lots;',
      ],
    });
    expect(migrationsCreatingRoutines(allowed)).toEqual([]);
    const refused = migrationsFolder({
      extra: [
        'ALTER TABLE lots ADD COLUMN note text;',
        'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
        'create trigger t after insert on lots for each row execute function g();',
      ],
    });
    const tag = (idx: number) => `${String(idx).padStart(4, '0')}_extra.sql`;
    expect(migrationsCreatingRoutines(refused)).toEqual([
      tag(migrationCount() + 1),
      tag(migrationCount() + 2),
    ]);
  });
});
