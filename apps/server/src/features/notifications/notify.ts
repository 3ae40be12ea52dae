/**
 * What the other features call, inside the write of the change, to store notifications and
 * queue their live push for after the commit (domain/write-context.ts). Each function is one
 * line at the call site: `await notifyOrderCreated(ctx, order)`.
 */
import {
  type DeliveryStatus,
  type PaymentMethod,
  type PaymentStatus,
  PERMISSIONS,
  type Role,
} from '@gapal/shared';
import type { WriteActor, WriteContext } from '../../domain/write-context.ts';
import { type Audience, audienceChannels } from '../../realtime/channels.ts';
import {
  alertProducts,
  insertNotifications,
  type NewNotification,
  type NotificationRow,
  toNotificationDto,
} from './notifications.repo.ts';

/** Any write's context: the notifications don't depend on who writes. */
type Write = WriteContext<WriteActor>;

/** Managers are whoever the permission table lets manage: the same roles the API lets act. */
const ORDER_MANAGERS: readonly Role[] = PERMISSIONS['orders.manage'];
const STOCK_MANAGERS: readonly Role[] = PERMISSIONS['stock.write'];

/** The fields of an order the messages need (the orders row has them all). */
export type OrderRef = {
  id: string;
  number: string;
  siteId: string;
  createdBy: string;
  clientName: string;
  totalAmount: number;
};

/** Stores the notifications and queues their live push; returns how many were stored (deduped ones are not). */
export async function notify(ctx: Write, items: NewNotification[]): Promise<number> {
  const rows = await insertNotifications(ctx.tx, items);
  queueStored(ctx, rows);
  return rows.length;
}

/** Queues the live push of stored notifications (by `notify`, or by a statement that stored them with its change). */
export function queueStored(ctx: Write, rows: readonly NotificationRow[]): void {
  for (const row of rows) {
    // Channels come from the stored row, so the live push and the REST list agree on who sees it.
    const audience = { siteId: row.siteId, roles: row.targetRoles, userId: row.targetUserId };
    ctx.publishAfterCommit({
      channels: audienceChannels(audience),
      message: { type: 'notification', notification: toNotificationDto(row) },
    });
  }
}

/** New order: to the order managers of its site and the admins. */
export async function notifyOrderCreated(ctx: Write, order: OrderRef): Promise<void> {
  await notifyOrdersCreated(ctx, [order]);
}

/** New orders, one notification each, stored in one statement (a sync push creates them by batches). */
export async function notifyOrdersCreated(ctx: Write, orders: OrderRef[]): Promise<void> {
  if (orders.length === 0) return;
  await notify(
    ctx,
    orders.map((order) => ({
      kind: 'commande_nouvelle',
      audience: { siteId: order.siteId, roles: ORDER_MANAGERS, userId: null },
      data: orderData(order),
      params: orderParams(order),
    })),
  );
}

/**
 * The orders one phone push created together (consecutive numbers): one "N nouvelles commandes"
 * to the order managers of the site and the admins, or the order's own notification when alone.
 * A push of 20 orders stores and pushes live one row instead of 20.
 */
export async function notifyOrdersBatchCreated(ctx: Write, orders: OrderRef[]): Promise<void> {
  if (orders.length <= 1) return notifyOrdersCreated(ctx, orders);
  const first = orders[0]!;
  const last = orders.at(-1)!;
  const totalAmount = orders.reduce((sum, order) => sum + order.totalAmount, 0);
  await notify(ctx, [
    {
      kind: 'commande_lot',
      audience: { siteId: first.siteId, roles: ORDER_MANAGERS, userId: null },
      data: { count: orders.length, created_by: first.createdBy, total_amount: totalAmount },
      params: {
        count: orders.length,
        first_number: first.number,
        last_number: last.number,
        total_amount: totalAmount,
      },
    },
  ]);
}

export type OrderStatusChange = { order: OrderRef; from: DeliveryStatus; to: DeliveryStatus };

/**
 * Delivery status changed: to the order's creator (the vendor) and the order managers of its site,
 * one notification per change. Stored by the status change's own statement (orders/order-status-change.ts).
 */
export function orderStatusNotifications(changes: readonly OrderStatusChange[]): NewNotification[] {
  return changes.map(({ order, from, to }) => ({
    kind: 'commande_statut',
    audience: orderAudience(order),
    data: { ...orderData(order), from, to },
    params: { ...orderParams(order), from, to },
  }));
}

/** Payment recorded on an order: to the order's creator and the order managers of its site. */
export async function notifyPaymentRecorded(
  ctx: Write,
  order: OrderRef,
  payment: { amount: number; method: PaymentMethod; paymentStatus: PaymentStatus; paidAmount: number },
): Promise<void> {
  await notify(ctx, [
    {
      kind: 'paiement_enregistre',
      audience: orderAudience(order),
      data: {
        ...orderData(order),
        amount: payment.amount,
        method: payment.method,
        payment_status: payment.paymentStatus,
        paid_amount: payment.paidAmount,
      },
      params: {
        ...orderParams(order),
        amount: payment.amount,
        method: payment.method,
        payment_status: payment.paymentStatus,
        paid_amount: payment.paidAmount,
      },
    },
  ]);
}

/** Whether a stock level is out, strictly under the alert threshold (as `is_below_threshold`), or fine. */
export function stockAlertLevel(quantity: number, minStockLevel: number): 'rupture' | 'bas' | null {
  if (quantity <= 0) return 'rupture';
  return quantity < minStockLevel ? 'bas' : null;
}

/**
 * A product's stock at a site went from `before` to `after`: notifies the site's stock managers
 * and the admins when it *crosses* into low stock or out of stock (not at every sale below the
 * threshold). Does nothing otherwise.
 */
export async function notifyStockLevel(
  ctx: Write,
  change: { siteId: string; productId: string; before: number; after: number },
): Promise<void> {
  await notifyStockChanges(ctx, change.siteId, [change]);
}

/**
 * The same for the movements one ledger call returned (several lots of one product chain their
 * stock before/after): one check per product, from its first `stockBefore` to its last
 * `stockAfter`. The products are looked up in one query, unless the movements carry them
 * (`takeStock`'s do, so a sale that crosses no threshold costs no query here).
 */
export async function notifyStockMovements(
  ctx: Write,
  siteId: string,
  movements: readonly (StockChangeRef & { stockBefore: number; stockAfter: number })[],
): Promise<void> {
  const byProduct = new Map<string, StockChange>();
  for (const movement of movements) {
    const seen = byProduct.get(movement.productId);
    if (seen) seen.after = movement.stockAfter;
    else {
      byProduct.set(movement.productId, {
        productId: movement.productId,
        product: movement.product,
        before: movement.stockBefore,
        after: movement.stockAfter,
      });
    }
  }
  await notifyStockChanges(ctx, siteId, [...byProduct.values()]);
}

type AlertProduct = { name: string; unit: string; minStockLevel: number };
type StockChangeRef = { productId: string; product?: AlertProduct };
type StockChange = StockChangeRef & { before: number; after: number };

async function notifyStockChanges(
  ctx: Write,
  siteId: string,
  changes: readonly StockChange[],
): Promise<void> {
  const falling = changes.filter((change) => change.after < change.before);
  if (falling.length === 0) return;
  const byId = new Map<string, AlertProduct>();
  const unknown = falling.filter((change) => !change.product).map((change) => change.productId);
  if (unknown.length > 0) {
    const found = await alertProducts(ctx.tx, unknown);
    for (const { id, ...product } of found) byId.set(id, product);
  }
  const items: NewNotification[] = [];
  for (const change of falling) {
    const product = change.product ?? byId.get(change.productId);
    if (!product) continue;
    const levelAfter = stockAlertLevel(change.after, product.minStockLevel);
    if (levelAfter === null || levelAfter === stockAlertLevel(change.before, product.minStockLevel)) continue;
    const isOut = levelAfter === 'rupture';
    items.push({
      kind: isOut ? 'rupture_stock' : 'stock_bas',
      audience: { siteId, roles: STOCK_MANAGERS, userId: null },
      data: { product_id: change.productId, quantity: change.after, min_stock_level: product.minStockLevel },
      params: {
        product_name: product.name,
        unit: product.unit,
        quantity: change.after,
        min_stock_level: product.minStockLevel,
      },
    });
  }
  if (items.length > 0) await notify(ctx, items);
}

/** A sync push had rejected mutations: to the vendor who pushed them, one notification per push. */
export async function notifySyncRejected(
  ctx: Write,
  push: {
    userId: string;
    siteId: string | null;
    deviceId: string | null;
    rejected: readonly { mutationId: string; type: string; reason: string; orderId?: string | null }[];
  },
): Promise<void> {
  if (push.rejected.length === 0) return;
  const count = push.rejected.length;
  await notify(ctx, [
    {
      kind: 'sync_rejetee',
      audience: { siteId: push.siteId, roles: [], userId: push.userId },
      data: {
        device_id: push.deviceId,
        rejected: push.rejected.slice(0, 50).map((item) => ({
          mutation_id: item.mutationId,
          type: item.type,
          reason: item.reason,
          order_id: item.orderId ?? null,
        })),
      },
      params: { count },
    },
  ]);
}

function orderAudience(order: OrderRef): Audience {
  return { siteId: order.siteId, roles: ORDER_MANAGERS, userId: order.createdBy };
}

function orderParams(order: OrderRef) {
  return { order_number: order.number, client_name: order.clientName, total_amount: order.totalAmount };
}

function orderData(order: OrderRef) {
  return { order_id: order.id, order_number: order.number, total_amount: order.totalAmount };
}
