import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { withAdmin, withDatabase } from '../../test/global-setup.ts';
import { testConfig, useTestApp } from '../../test/harness.ts';
import { openDatabase, selectRows } from '../db/client.ts';
import { DataDirInUseError } from '../db/data-dir-lock.ts';
import { createBackup, pruneBackups } from './backup.ts';
import { countBusinessRows, findLedgerProblems } from './ledger-invariants.ts';
import { RestoreRefusedError, restoreBackup } from './restore.ts';
import { seedBusinessDay } from './test-helpers.ts';

describe('backup and restore', () => {
  const t = useTestApp();
  const work = mkdtempSync(path.join(tmpdir(), 'gapal-backup-'));
  const backupDir = path.join(work, 'backups');
  const pg = inject('pgTemplate');
  const restoredName = pg ? `gapal_r_${pg.runId}_${process.pid}` : '';
  afterAll(async () => {
    if (pg) {
      await withAdmin(pg.adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`),
      );
    }
    rmSync(work, { recursive: true, force: true });
  });

  /** The environment of a server on the source database, and of a fresh target. */
  async function sourceEnv(): Promise<Record<string, string>> {
    if (pg) {
      const [row] = await selectRows<{ name: string }>(t.db, sql`SELECT current_database() AS name`);
      return { DATABASE_URL: withDatabase(pg.adminUrl, row!.name), GAPAL_BACKUP_DIR: backupDir };
    }
    // The embedded database of an installed server lives on disk: put this one's content there.
    const dataDir = path.join(work, 'source');
    if (existsSync(dataDir)) return { GAPAL_DATA_DIR: dataDir, GAPAL_BACKUP_DIR: backupDir };
    const dump = await (t.db as unknown as { $client: PGlite }).$client.dumpDataDir('none');
    const onDisk = await openDatabase({
      kind: 'pglite',
      dataDir: path.join(dataDir, 'pglite'),
      loadDataDir: dump,
    });
    await onDisk.close();
    return { GAPAL_DATA_DIR: dataDir, GAPAL_BACKUP_DIR: backupDir };
  }
  const targetEnv = (): Record<string, string> =>
    pg
      ? { DATABASE_URL: withDatabase(pg.adminUrl, restoredName) }
      : { GAPAL_DATA_DIR: path.join(work, 'target') };

  it('restores a backup into a fresh database with the same rows and an intact ledger', async () => {
    await seedBusinessDay(t);
    const expected = await countBusinessRows(t.db);
    expect(expected.stock_movements).toBeGreaterThan(3);
    expect(await findLedgerProblems(t.db)).toEqual([]);

    const backup = await createBackup(testConfig(await sourceEnv()));
    expect(path.basename(backup.file)).toMatch(
      pg ? /^gapal-postgres-\d{8}T\d{6}Z\.pgdump$/ : /^gapal-pglite-\d{8}T\d{6}Z\.tar\.gz$/,
    );
    expect(readdirSync(backupDir).filter((name) => name.endsWith('.partial'))).toEqual([]);

    const result = await restoreBackup(testConfig(targetEnv()), backup.file);
    expect(result.kind).toBe(pg ? 'postgres' : 'pglite');
    expect(result.counts).toEqual(expected);
    expect(result.problems).toEqual([]);

    // The copy is a working database: the same migrations recorded as the source.
    expect(result.migrations).toBe((await t.database.migrationState()).applied);
  }, 240_000);

  it('refuses to restore over a database that is not empty, and replaces it only with force', async () => {
    const backup = await createBackup(testConfig(await sourceEnv()));
    await expect(restoreBackup(testConfig(targetEnv()), backup.file)).rejects.toBeInstanceOf(
      RestoreRefusedError,
    );

    // Make the target differ, to see force really replace it.
    const target = await openTarget();
    await target.db.execute(sql`INSERT INTO sites (name, code) VALUES ('Ajout après coup', 'EXTRA1')`);
    await target.close();
    const forced = await restoreBackup(testConfig(targetEnv()), backup.file, { force: true });
    expect(forced.counts).toEqual(await countBusinessRows(t.db));
    expect(forced.problems).toEqual([]);
    if (!pg) expect(forced.movedAside).toMatch(/target\/pglite\.replaced-/);
  }, 240_000);

  it('finds a broken ledger in a restored copy (the check can fail)', async () => {
    const target = await openTarget();
    try {
      await target.db.execute(
        sql`UPDATE stock_levels SET quantity = quantity + 1 WHERE product_id = (SELECT product_id FROM stock_levels LIMIT 1)`,
      );
      const problems = await findLedgerProblems(target.db);
      expect(problems.map((problem) => problem.kind)).toContain('level');
    } finally {
      await target.close();
    }
  });

  it('refuses to back up the embedded database while a server holds it, leaving no file', async () => {
    // On PGlite, the source database on disk (a new embedded one would cost an initdb: seconds);
    // on PostgreSQL, which has none, a new one.
    const dataDir = pg ? path.join(work, 'held') : (await sourceEnv()).GAPAL_DATA_DIR!;
    mkdirSync(backupDir, { recursive: true });
    const before = readdirSync(backupDir);
    const running = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    try {
      await expect(
        createBackup(testConfig({ GAPAL_DATA_DIR: dataDir, GAPAL_BACKUP_DIR: backupDir })),
      ).rejects.toBeInstanceOf(DataDirInUseError);
    } finally {
      await running.close();
    }
    expect(readdirSync(backupDir)).toEqual(before);
  }, 120_000);

  it('prunes backups past the kept days but always keeps the newest three', () => {
    const dir = path.join(work, 'prune');
    mkdirSync(dir);
    const names = [
      '20260101T020000Z',
      '20260102T020000Z',
      '20260103T020000Z',
      '20260104T020000Z',
      '20261120T020000Z',
    ];
    for (const stamp of names) writeFileSync(path.join(dir, `gapal-postgres-${stamp}.pgdump`), 'x');
    writeFileSync(path.join(dir, 'notes.txt'), 'kept');
    const pruned = pruneBackups(dir, 14, Date.UTC(2026, 10, 21));
    expect(pruned.sort()).toEqual([
      'gapal-postgres-20260101T020000Z.pgdump',
      'gapal-postgres-20260102T020000Z.pgdump',
    ]);
    expect(readdirSync(dir)).toHaveLength(4);
  });

  async function openTarget() {
    const config = testConfig(targetEnv());
    return openDatabase(
      config.database.kind === 'postgres'
        ? { ...config.database, poolSize: 2 }
        : { kind: 'pglite', dataDir: config.database.dataDir },
    );
  }
});
