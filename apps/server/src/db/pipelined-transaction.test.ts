import { inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.ts';
import { type Db, queryPrepared, selectRows } from './client.ts';
import { categories } from './schema.ts';

describe('pipelined transactions', () => {
  const t = useTestApp();

  const insertCategory = (tx: Db, name: string) =>
    queryPrepared<{ name: string }>(
      tx,
      'test_insert_category',
      'INSERT INTO categories (name) VALUES ($1) RETURNING name',
      [name],
    );
  const namesSeenBy = async (db: Db, names: string[]) =>
    (await db.select({ name: categories.name }).from(categories).where(inArray(categories.name, names))).map(
      (row) => row.name,
    );
  const namesIn = async (names: string[]) => (await namesSeenBy(t.db, names)).sort();

  it('commits when the callback returns, and when it finishes with its last statement', async () => {
    const returned = await t.database.pipelinedTransaction(async (tx) => {
      await insertCategory(tx, 'pipe-a');
      await insertCategory(tx, 'pipe-b');
      return 'done';
    });
    const finished = await t.database.pipelinedTransaction(async (tx, finish) => {
      // Sent without waiting: the statements and the COMMIT queue up behind each other.
      const first = insertCategory(tx, 'pipe-c');
      const last = await finish(insertCategory(tx, 'pipe-d'));
      return [...(await first), ...last].map((row) => row.name);
    });

    expect(returned).toBe('done');
    expect(finished).toEqual(['pipe-c', 'pipe-d']);
    expect(await namesIn(['pipe-a', 'pipe-b', 'pipe-c', 'pipe-d'])).toEqual([
      'pipe-a',
      'pipe-b',
      'pipe-c',
      'pipe-d',
    ]);
  });

  it('rolls everything back when the last statement fails, and the next transaction still runs', async () => {
    await t.database.pipelinedTransaction((tx) => insertCategory(tx, 'pipe-taken'));
    const failed = await t.database
      .pipelinedTransaction(async (tx, finish) => {
        await insertCategory(tx, 'pipe-lost');
        return finish(insertCategory(tx, 'pipe-taken'));
      })
      .then(
        () => null,
        (error: { code?: string }) => error.code,
      );
    const next = await t.database.pipelinedTransaction((tx, finish) =>
      finish(insertCategory(tx, 'pipe-next')),
    );

    expect(failed).toBe('23505');
    expect(next).toEqual([{ name: 'pipe-next' }]);
    expect(await namesIn(['pipe-taken', 'pipe-lost', 'pipe-next'])).toEqual(['pipe-next', 'pipe-taken']);
  });

  it('runs a transaction started behind a COMMIT after that commit, and a failed one sends nothing into it', async () => {
    await t.database.pipelinedTransaction((tx) => insertCategory(tx, 'pipe-dup'));
    let seen!: Promise<string[]>;
    let behind!: Promise<unknown>;
    await t.database.pipelinedTransaction(async (tx, finish) => {
      const committed = finish(insertCategory(tx, 'pipe-first'));
      // Started before the answers are back: its statements travel behind the COMMIT.
      seen = t.database.pipelinedTransaction(async (next) =>
        (await namesSeenBy(next, ['pipe-first'])).sort(),
      );
      return committed;
    });
    const failed = await t.database
      .pipelinedTransaction(async (tx, finish) => {
        const refused = finish(insertCategory(tx, 'pipe-dup'));
        behind = t.database.pipelinedTransaction(async (next) => {
          await insertCategory(next, 'pipe-behind');
          // A statement awaited before its commit: a ROLLBACK sent by the failed transaction
          // would land here and undo the insert.
          await namesSeenBy(next, ['pipe-behind']);
        });
        return refused;
      })
      .then(
        () => null,
        (error: { code?: string }) => error.code,
      );
    await behind;

    expect(await seen).toEqual(['pipe-first']);
    expect(failed).toBe('23505');
    expect(await namesIn(['pipe-behind'])).toEqual(['pipe-behind']);
  });

  it('opens a new connection when its connection is lost', async () => {
    await t.database.pipelinedTransaction((tx) => insertCategory(tx, 'pipe-before-loss'));
    if (t.isPostgres) {
      // Its backend goes away, as in a database restart, and is gone before the next transaction.
      const deliveryBackends = sql`FROM pg_stat_activity
        WHERE application_name = 'gapal-deliveries' AND datname = current_database()`;
      const [killed] = await selectRows<{ count: number }>(
        t.db,
        sql`SELECT count(pg_terminate_backend(pid))::int AS count ${deliveryBackends}`,
      );
      expect(killed?.count).toBe(1);
      await expect
        .poll(async () => (await selectRows(t.db, sql`SELECT pid ${deliveryBackends}`)).length)
        .toBe(0);
    }
    // The transaction that meets the lost connection may fail with it; the one after runs on a new one.
    const insertAfter = (name: string) =>
      t.database
        .pipelinedTransaction((tx, finish) => finish(insertCategory(tx, name)))
        .then(
          () => 'written',
          () => 'failed',
        );
    await insertAfter('pipe-meets-loss');
    expect(await insertAfter('pipe-after-loss')).toBe('written');
    expect(await namesIn(['pipe-before-loss', 'pipe-after-loss'])).toEqual([
      'pipe-after-loss',
      'pipe-before-loss',
    ]);
  });

  it('rolls back what was written when the callback throws', async () => {
    const thrown = await t.database
      .pipelinedTransaction(async (tx) => {
        await insertCategory(tx, 'pipe-thrown');
        throw new Error('refused after writing');
      })
      .catch((error: Error) => error.message);

    expect(thrown).toBe('refused after writing');
    expect(await namesIn(['pipe-thrown'])).toEqual([]);
  });
});
