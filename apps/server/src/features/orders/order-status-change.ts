import type { DeliveryStatus } from '@gapal/shared';
import { keyIn, queryPrepared } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import type { WriteActor, WriteContext } from '../../domain/write-context.ts';
import { auditInsertSql, auditValues } from '../audit/audit.service.ts';
import {
  type InsertedNotification,
  notificationsInsertSql,
  notificationValues,
  toStoredNotification,
} from '../notifications/notifications.repo.ts';
import { orderStatusNotifications, queueStored } from '../notifications/notify.ts';
import { ORDER_ROW_COLUMNS, type OrderRow } from './orders.repo.ts';

/** One order's move to the new status: who asks, and its row as read under its lock. */
export type StatusChange = {
  actor: Actor;
  before: OrderRow;
  /** Extra fields for the audit row's `after` (a delivery that may take expired lots). */
  auditAfter?: Record<string, unknown>;
};

/**
 * Moves locked orders to `status` (stamping delivery or cancellation, bumping their versions) and
 * stores, in the same statement, one notification and one audit row per order; the
 * notifications' live push is queued on the write. The one way an order's status is written:
 * a change (order-lifecycle.service.ts) and a batch of deliveries (order-delivery.service.ts).
 *
 * One statement rather than three, since a delivery batch waits on each round trip with the
 * products' stock locks held (bench/RESULTS.md). The caller holds the orders' locks and has
 * checked the transition: the new version is the locked one plus one, as the audit row says.
 * Returns the rows after the change, in the order of `changes`.
 */
export async function writeStatusChanges(
  ctx: WriteContext<WriteActor>,
  status: DeliveryStatus,
  changes: readonly StatusChange[],
): Promise<OrderRow[]> {
  if (changes.length === 0) return [];
  const notifications = orderStatusNotifications(
    changes.map(({ before }) => ({ order: before, from: before.deliveryStatus, to: status })),
  );
  const audits = changes.map(({ actor, before, auditAfter }) => ({
    source: actor,
    record: {
      action: status === 'annulee' ? 'order.cancel' : 'order.status',
      entity: 'order',
      entityId: before.id,
      siteId: before.siteId,
      before: { delivery_status: before.deliveryStatus, version: before.version },
      after: { delivery_status: status, version: before.version + 1, ...auditAfter },
    },
  }));
  const rows = await queryPrepared<OrderRow & { stored: InsertedNotification[] | null }>(
    ctx.tx,
    'order_write_status',
    // Data-modifying WITH: each part runs once, whether the final SELECT reads it or not. The
    // stored notifications come back once, on the first row.
    `WITH changed AS (
       UPDATE orders AS o SET delivery_status = $2::text::delivery_status, version = o.version + 1,
         delivered_at = CASE WHEN $2::text = 'livree' THEN $3::timestamptz ELSE o.delivered_at END,
         cancelled_at = CASE WHEN $2::text = 'annulee' THEN $3::timestamptz ELSE o.cancelled_at END,
         updated_at = $3::timestamptz
       WHERE ${keyIn('o.id', '$1')}
       RETURNING ${ORDER_ROW_COLUMNS}
     ), stored AS (${notificationsInsertSql('$4')}
     ), audited AS (${auditInsertSql('$5')})
     SELECT c.*, CASE WHEN row_number() OVER () = 1 THEN (SELECT json_agg(s) FROM stored s) END AS stored
     FROM changed c`,
    [
      changes.map(({ before }) => before.id),
      status,
      ctx.clock.now.toISOString(),
      notificationValues(notifications),
      auditValues(audits),
    ],
  );
  const after = new Map<string, OrderRow>();
  for (const { stored, ...row } of rows) {
    after.set(row.id, row);
    if (stored) queueStored(ctx, stored.map(toStoredNotification));
  }
  return changes.map(({ before }) => after.get(before.id)!);
}
