import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.ts';
import { keyIn, selectRows } from './client.ts';

describe('key lists in prepared statements', () => {
  const t = useTestApp();

  it('keyIn finds exactly the listed rows', async () => {
    const rows = await selectRows<{ id: string }>(
      t.db,
      sql`SELECT id FROM sites WHERE ${sql.raw(keyIn('id', `'{${t.defaultSiteId}}'`))}`,
    );
    expect(rows.map((row) => row.id)).toEqual([t.defaultSiteId]);
    const none = await selectRows<{ id: string }>(
      t.db,
      sql`SELECT id FROM sites WHERE ${sql.raw(keyIn('id', `'{}'`))}`,
    );
    expect(none).toEqual([]);
  });

  it('keeps the generic plan of a statement matching a key list with keyIn (no planning per run)', async () => {
    // One connection for PREPARE and EXECUTE: a transaction holds one.
    const plans = await t.db.transaction(async (tx) => {
      await tx.execute(
        sql.raw(`PREPARE gapal_key_list(uuid[]) AS SELECT id FROM sites WHERE ${keyIn('id', '$1')}`),
      );
      // PostgreSQL compares the generic plan with the first five custom ones, then chooses.
      for (let run = 0; run < 8; run += 1) {
        await tx.execute(sql.raw(`EXECUTE gapal_key_list('{${t.defaultSiteId}}')`));
      }
      const [counts] = await selectRows<{ generic_plans: number; custom_plans: number }>(
        tx,
        sql`SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name = 'gapal_key_list'`,
      );
      await tx.execute(sql`DEALLOCATE gapal_key_list`);
      return counts;
    });
    expect(plans?.custom_plans).toBe(5);
    expect(plans?.generic_plans).toBe(3);
  });
});
