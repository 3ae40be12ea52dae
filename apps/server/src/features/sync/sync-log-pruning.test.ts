import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/harness.ts';
import { selectRows } from '../../db/client.ts';
import { startSyncLogPruning } from './sync-log-pruning.ts';
import { SYNC_LOG_RETENTION_DAYS } from './sync-pull.service.ts';

const silentLog = { info() {}, error() {}, warn() {}, debug() {} } as never;

describe('sync log pruning', () => {
  const t = useTestApp();

  it('drops the change log rows past the retention at start-up, and keeps the recent ones', async () => {
    const entity = crypto.randomUUID();
    const ages = [SYNC_LOG_RETENTION_DAYS + 10, SYNC_LOG_RETENTION_DAYS + 1, SYNC_LOG_RETENTION_DAYS - 1, 0];
    for (const days of ages) {
      await t.db.execute(
        sql`INSERT INTO sync_changes (stream, entity_id, created_at)
            VALUES ('product', ${entity}, now() - make_interval(days => ${days}))`,
      );
    }
    const job = startSyncLogPruning({ ...t.app.writes, log: silentLog });
    await job.stop();
    const left = await selectRows<{ days: number }>(
      t.db,
      sql`SELECT round(extract(epoch FROM now() - created_at) / 86400)::int AS days
          FROM sync_changes WHERE entity_id = ${entity} ORDER BY created_at`,
    );
    expect(left.map((row) => Number(row.days))).toEqual([SYNC_LOG_RETENTION_DAYS - 1, 0]);
  });
});
