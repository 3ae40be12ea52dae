import {
  type ChangeStatusInput,
  type Order,
  orderMoney,
  type PaymentInput,
  type ReturnInput,
} from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, forbidden, type ServiceFieldIssue } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { formatNumber } from '../../lib/format-number.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { notifyPaymentRecorded } from '../notifications/notify.ts';
import { putStock } from '../stock/stock-ledger.service.ts';
import { deliverOrders } from './order-delivery.service.ts';
import { toOrderDto } from './order-dto.ts';
import {
  assertCanRecordPayment,
  assertChangeable,
  assertEditable,
  assertManager,
  assertTransition,
  isOrderManager,
  paymentStatusOf,
} from './order-rules.ts';
import { writeStatusChanges } from './order-status-change.ts';
import {
  findItems,
  insertPayment,
  insertReturn,
  type OrderAggregate,
  readOrder,
  returnableLots,
  updateOrder,
} from './orders.repo.ts';

/**
 * Locks the order for the rest of the transaction and checks it may be seen and is at the
 * version the caller expects. Every change starts here, so two changes of one order run
 * one after the other and the second sees the first's result.
 */
async function lockVisibleOrder(
  tx: Db,
  actor: Actor,
  id: string,
  version: number | undefined,
): Promise<OrderAggregate> {
  return assertChangeable(actor, await readOrder(tx, id, { lock: true }), version);
}

/**
 * Moves the delivery status. `livree` is a delivery (deliverOrders: the stock is taken in this
 * same transaction); because the row is locked and the status re-checked under the lock, a
 * second delivery (retry, double click, another manager) gets 409 and takes nothing.
 */
export async function changeStatus(ctx: WriteContext, id: string, input: ChangeStatusInput): Promise<Order> {
  const { tx, actor } = ctx;
  if (input.status === 'livree') {
    const [result] = await deliverOrders(ctx, [{ actor, id, input }]);
    if (result instanceof AppError) throw result;
    return result!;
  }
  const locked = await lockVisibleOrder(tx, actor, id, input.version);
  const before = locked.order;
  if (!isOrderManager(actor)) {
    // Vendors may only cancel their own order, and only while it is new.
    if (input.status !== 'annulee') throw forbidden('Seul un gestionnaire des commandes change ce statut');
    assertEditable(before.deliveryStatus);
  }
  assertTransition(before.deliveryStatus, input.status);
  const [after] = await writeStatusChanges(ctx, input.status, [{ actor, before }]);
  // Only the row changed: the items, payments and returns read under the lock still hold.
  return toOrderDto({ ...locked, order: after! });
}

/** Records a payment; the payment status follows from the sum paid. Never more than the balance. */
export async function recordPayment(ctx: WriteContext, id: string, input: PaymentInput): Promise<Order> {
  const { tx, actor } = ctx;
  assertCanRecordPayment(actor);
  const before = (await lockVisibleOrder(tx, actor, id, input.version)).order;
  if (before.deliveryStatus === 'annulee') {
    throw new AppError('conflict', 'Une commande annulée ne reçoit pas de paiement');
  }
  const { balance, due } = orderMoney({
    total: before.totalAmount,
    returned: before.returnedAmount,
    paid: before.paidAmount,
    cancelled: false,
  });
  if (input.amount > balance) {
    throw new AppError('validation_error', `Le montant dépasse le solde restant (${formatNumber(balance)})`, {
      fields: [{ field: 'amount', message: 'supérieur au solde restant', code: 'exceeds_balance' }],
      balance,
    });
  }
  const payment = await insertPayment(tx, {
    orderId: id,
    amount: input.amount,
    method: input.method,
    reference: input.reference ?? null,
    recordedBy: actor.userId,
    deviceId: actor.deviceId,
  });
  const paidAmount = before.paidAmount + input.amount;
  const after = await updateOrder(
    tx,
    id,
    { paidAmount, paymentStatus: paymentStatusOf(paidAmount, due) },
    before.version,
  );
  await notifyPaymentRecorded(ctx, after, {
    amount: input.amount,
    method: input.method,
    paymentStatus: after.paymentStatus,
    paidAmount: after.paidAmount,
  });
  await recordAudit(ctx, {
    action: 'order.payment',
    entity: 'order',
    entityId: id,
    siteId: before.siteId,
    before: {
      paid_amount: before.paidAmount,
      payment_status: before.paymentStatus,
      version: before.version,
    },
    after: {
      payment,
      paid_amount: after.paidAmount,
      payment_status: after.paymentStatus,
      version: after.version,
    },
  });
  return toOrderDto((await readOrder(tx, id))!);
}

/**
 * Puts returned goods back into the lots they were sold from (read from the order's `vente`
 * movements) and records the return on the order.
 */
export async function returnItems(ctx: WriteContext, id: string, input: ReturnInput): Promise<Order> {
  const { tx, actor } = ctx;
  assertManager(actor);
  const before = (await lockVisibleOrder(tx, actor, id, input.version)).order;
  if (before.deliveryStatus !== 'livree') {
    throw new AppError('conflict', 'Seule une commande livrée peut faire l’objet d’un retour');
  }
  const items = new Map((await findItems(tx, id)).map((item) => [item.id, item]));
  const fields: ServiceFieldIssue[] = [];
  const seen = new Set<string>();
  input.items.forEach((line, index) => {
    const item = items.get(line.item_id);
    if (!item || seen.has(line.item_id)) {
      fields.push({
        field: `items.${index}.item_id`,
        message: item ? 'article en double' : 'article inconnu',
        code: item ? 'duplicate' : 'unknown_reference',
      });
    } else if (line.quantity > item.quantity - item.returnedQuantity) {
      fields.push({
        field: `items.${index}.quantity`,
        message: 'supérieure à la quantité livrée non retournée',
        code: 'exceeds_returnable',
      });
    }
    seen.add(line.item_id);
  });
  if (fields.length > 0) throw new AppError('validation_error', 'Retour invalide', { fields });

  const lots = await returnableLots(tx, id);
  const stockLines: { productId: string; lotId: string; quantity: number }[] = [];
  for (const line of input.items) {
    const item = items.get(line.item_id)!;
    let left = line.quantity;
    for (const lot of lots) {
      if (left === 0) break;
      if (lot.productId !== item.productId || lot.quantity === 0) continue;
      const quantity = Math.min(left, lot.quantity);
      stockLines.push({ productId: item.productId, lotId: lot.lotId, quantity });
      lot.quantity -= quantity;
      left -= quantity;
    }
    if (left > 0) throw new AppError('conflict', 'Lot d’origine introuvable pour ce retour');
  }
  await putStock(ctx, stockLines, {
    siteId: before.siteId,
    type: 'retour',
    reference: before.number,
    orderId: id,
    reason: input.reason,
  });
  const returned = input.items.map((line) => ({
    item_id: line.item_id,
    product_id: items.get(line.item_id)!.productId,
    quantity: line.quantity,
  }));
  const record = await insertReturn(
    tx,
    { orderId: id, reason: input.reason, items: returned, createdBy: actor.userId, deviceId: actor.deviceId },
    input.items.map((line) => ({ itemId: line.item_id, quantity: line.quantity })),
  );
  // The return lowers what the order asks: its lines' value at the order's unit prices.
  const returnedAmount =
    before.returnedAmount +
    input.items.reduce((sum, line) => sum + line.quantity * items.get(line.item_id)!.unitPrice, 0);
  const after = await updateOrder(
    tx,
    id,
    {
      returnedAmount,
      paymentStatus: paymentStatusOf(before.paidAmount, before.totalAmount - returnedAmount),
    },
    before.version,
  );
  await recordAudit(ctx, {
    action: 'order.return',
    entity: 'order',
    entityId: id,
    siteId: before.siteId,
    after: {
      return_id: record.id,
      reason: input.reason,
      items: returned,
      returned_amount: after.returnedAmount,
      version: after.version,
    },
  });
  return toOrderDto((await readOrder(tx, id))!);
}
