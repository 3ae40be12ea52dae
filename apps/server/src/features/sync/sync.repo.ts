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
 * Locks the device row (so one device's mutations apply one at a time, whatever the retries)
 * and reads its sequence and any mutation already stored under this id, in one round trip.
 */
export async function lockDeviceForMutation(
  tx: Db,
  deviceId: string,
  mutationId: string,
): Promise<{ lastSeq: number; revoked: boolean; existing: StoredMutation | undefined } | undefined> {
  const [row] = await selectRows<{
    last_seq: number;
    revoked: boolean;
    m_device_id: string | null;
    m_seq: number | null;
    m_status: 'applied' | 'rejected' | null;
    m_result: SyncMutationResult | string | null;
  }>(
    tx,
    sql`SELECT d.last_seq, d.revoked_at IS NOT NULL AS revoked,
          m.device_id AS m_device_id, m.seq AS m_seq, m.status AS m_status, m.result AS m_result
        FROM devices d LEFT JOIN sync_mutations m ON m.id = ${mutationId}
        WHERE d.id = ${deviceId}
        FOR UPDATE OF d`,
  );
  if (!row) return undefined;
  return {
    lastSeq: Number(row.last_seq),
    revoked: row.revoked,
    existing: row.m_device_id
      ? {
          deviceId: row.m_device_id,
          seq: Number(row.m_seq),
          status: row.m_status!,
          result: typeof row.m_result === 'string' ? JSON.parse(row.m_result) : row.m_result!,
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
