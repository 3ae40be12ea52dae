import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.ts';
import { TEST_PGLITE } from './global-setup.ts';
import { openReusedPglite, pgliteInstanceOf } from './pglite-reuse.ts';

const clientOf = (database: Database) => pgliteInstanceOf(database)!;
const one = async <T>(client: PGlite, text: string) => (await client.query<T>(text)).rows[0]!;

/** A key of its own: this file's instances never meet the other files'. */
const TEMPLATE = `pglite-reuse-test-${process.pid}`;

describe('PGlite instances handed from one test file to the next', () => {
  const opened: Database[] = [];
  const open = async () => {
    const database = await openReusedPglite(TEMPLATE, async () => {
      const fresh = await openDatabase({ kind: 'pglite', ...TEST_PGLITE });
      await fresh.migrate();
      return fresh;
    });
    opened.push(database);
    return database;
  };
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  it('come back empty, with sequences, statistics and session settings as the template had them', async () => {
    const first = await open();
    const client = clientOf(first);
    await client.exec(`
      INSERT INTO sites (name, code) VALUES ('Koudougou', 'KDG');
      INSERT INTO audit_log (action, entity) VALUES ('create', 'site'), ('update', 'site');
      ANALYZE sites;
      SET TIME ZONE 'Asia/Tokyo';`);
    expect(await one(client, 'SELECT count(*)::int AS n FROM audit_log')).toEqual({ n: 2 });
    expect(await one(client, `SELECT current_setting('TimeZone') AS zone`)).toEqual({ zone: 'Asia/Tokyo' });
    await first.close();

    // What the closed app might still try lands nowhere.
    await expect(first.db.execute(sql`SELECT 1`)).rejects.toMatchObject({
      cause: { message: 'this test file closed its database' },
    });

    const second = await open();
    expect(clientOf(second)).toBe(client);
    expect(second.db).not.toBe(first.db);
    expect(
      await one(
        client,
        'SELECT (SELECT count(*) FROM sites)::int AS sites, (SELECT count(*) FROM audit_log)::int AS audit',
      ),
    ).toEqual({ sites: 0, audit: 0 });
    expect(await one(client, `SELECT nextval('audit_log_id_seq')::int AS next`)).toEqual({ next: 1 });
    expect(
      await one(client, `SELECT count(*)::int AS n FROM pg_statistic WHERE starelid = 'sites'::regclass`),
    ).toEqual({ n: 0 });
    expect(await one(client, `SELECT current_setting('TimeZone') AS zone`)).not.toEqual({
      zone: 'Asia/Tokyo',
    });
    // The append-only rule holds again for the app's statements.
    await expect(client.exec('TRUNCATE audit_log')).rejects.toThrow(
      'audit_log is append-only: TRUNCATE refused',
    );
    await second.close();
  });

  it('are not handed on once a file changed the schema', async () => {
    const first = await open();
    const client = clientOf(first);
    await client.exec('ALTER TABLE sites ADD COLUMN note text');
    await first.close();

    const second = await open();
    expect(clientOf(second)).not.toBe(client);
    expect(client.closed).toBe(true);
    expect(
      await one(
        clientOf(second),
        `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'sites' AND column_name = 'note'`,
      ),
    ).toEqual({ n: 0 });
  });
});
