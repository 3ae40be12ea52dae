import type { SyncMutationResult, SyncStats } from '@gapal/shared';
import { eq, sql } from 'drizzle-orm';
import { type Db, queryPrepared, selectRows } from '../../db/client.ts';
import { orders } from '../../db/schema.ts';

export type SyncDeviceRow = {
  id: string;
  siteId: string;
  userId: string | null;
  revokedAt: Date | null;
  lastSeq: number;
};

/** Every push and pull starts here: a prepared statement (outside any transaction). */
export async function findDevice(db: Db, id: string): Promise<SyncDeviceRow | undefined> {
  const [row] = await queryPrepared<SyncDeviceRow>(
    db,
    'sync_find_device',
    `SELECT id, site_id AS "siteId", user_id AS "userId", revoked_at AS "revokedAt", last_seq AS "lastSeq"
     FROM devices WHERE id = $1`,
    [id],
  );
  return row && { ...row, lastSeq: Number(row.lastSeq) };
}

export type StoredMutation = {
  deviceId: string;
  seq: number;
  status: 'applied' | 'rejected';
  result: SyncMutationResult;
};

/**
 * Locks the device row (so one device's mutations apply one at a time, whatever the retries),
 * then reads its sequence and any mutation already stored under this id. Two statements on
 * purpose: a statement that waited for the lock re-reads the locked row but sees the rest of the
 * database as it was when it started, so a joined read would miss the mutation that the push
 * holding the lock (the same push sent again from a phone whose answer was lost) had just
 * stored, and answer `seq_out_of_order` for a mutation that was applied. The second statement
 * runs after the lock is ours and sees everything committed before it.
 */
export async function lockDeviceForMutation(
  tx: Db,
  deviceId: string,
  mutationId: string,
): Promise<{ lastSeq: number; revoked: boolean; existing: StoredMutation | undefined } | undefined> {
  const [device] = await selectRows<{ last_seq: number; revoked: boolean }>(
    tx,
    sql`SELECT last_seq, revoked_at IS NOT NULL AS revoked FROM devices WHERE id = ${deviceId} FOR UPDATE`,
  );
  if (!device) return undefined;
  const [stored] = await selectRows<{
    device_id: string;
    seq: number;
    status: 'applied' | 'rejected';
    result: SyncMutationResult | string;
  }>(tx, sql`SELECT device_id, seq, status, result FROM sync_mutations WHERE id = ${mutationId}`);
  return {
    lastSeq: Number(device.last_seq),
    revoked: device.revoked,
    existing: stored
      ? {
          deviceId: stored.device_id,
          seq: Number(stored.seq),
          status: stored.status,
          result: typeof stored.result === 'string' ? JSON.parse(stored.result) : stored.result,
        }
      : undefined,
  };
}

/** Stores the outcome under the mutation id and moves the device's sequence, in one statement. */
export async function storeMutation(
  tx: Db,
  deviceId: string,
  mutation: { id: string; seq: number; name: string },
  result: SyncMutationResult,
): Promise<void> {
  await tx.execute(sql`
    WITH stored AS (
      INSERT INTO sync_mutations (id, device_id, seq, name, status, result)
      VALUES (${mutation.id}, ${deviceId}, ${mutation.seq}, ${mutation.name}, ${result.status},
        ${JSON.stringify(result)}::jsonb)
      RETURNING device_id
    )
    UPDATE devices SET last_seq = ${mutation.seq}, last_seen_at = now()
    FROM stored WHERE devices.id = stored.device_id`);
}

export async function findOrderIdByLocalId(db: Db, localId: string): Promise<string | undefined> {
  const [row] = await db.select({ id: orders.id }).from(orders).where(eq(orders.localId, localId));
  return row?.id;
}

/**
 * What a push answers besides its results: the device's sequence after it, and the stock alert
 * figures of its site as the catalog judges them (`is_below_threshold`, nothing on hand).
 * One prepared statement (outside any transaction).
 */
export async function pushSummary(
  db: Db,
  deviceId: string,
  siteId: string,
): Promise<{ lastSeq: number } & Pick<SyncStats, 'low_stock_count' | 'out_of_stock_count'>> {
  const [row] = await queryPrepared<{ last_seq: number; low: number; out: number }>(
    db,
    'sync_push_summary',
    `SELECT (SELECT last_seq FROM devices WHERE id = $1) AS last_seq,
       count(*) FILTER (WHERE coalesce(s.quantity, 0) < p.min_stock_level)::int AS low,
       count(*) FILTER (WHERE coalesce(s.quantity, 0) <= 0)::int AS out
     FROM products p
     LEFT JOIN stock_levels s ON s.product_id = p.id AND s.site_id = $2
     WHERE p.deleted_at IS NULL AND p.is_active`,
    [deviceId, siteId],
  );
  return {
    lastSeq: Number(row?.last_seq ?? 0),
    low_stock_count: Number(row?.low ?? 0),
    out_of_stock_count: Number(row?.out ?? 0),
  };
}
