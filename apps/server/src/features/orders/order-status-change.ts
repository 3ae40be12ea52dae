import type { DeliveryStatus } from '@gapal/shared';
import type { Actor } from '../../domain/actor.ts';
import type { WriteActor, WriteContext } from '../../domain/write-context.ts';
import { auditValues } from '../audit/audit.repo.ts';
import { notificationValues, toStoredNotification } from '../notifications/notifications.repo.ts';
import { orderStatusNotifications, queueStored } from '../notifications/notify.ts';
import { type OrderRow, writeStatusRows } from './orders.repo.ts';

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
  const rows = await writeStatusRows(ctx.tx, {
    ids: changes.map(({ before }) => before.id),
    status,
    at: ctx.clock.now,
    notifications: notificationValues(notifications),
    audits: auditValues(audits),
  });
  const after = new Map<string, OrderRow>();
  for (const { stored, ...row } of rows) {
    after.set(row.id, row);
    if (stored) queueStored(ctx, stored.map(toStoredNotification));
  }
  return changes.map(({ before }) => after.get(before.id)!);
}
