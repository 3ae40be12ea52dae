/**
 * The money rule after a delivery (issue #27). An order keeps its total; a return lowers what it
 * asks (`due = total − returned`), a cancellation makes it ask nothing (`due = 0`); `balance − credit = total − returned − paid` (orderMoney in the
 * shared package). What was paid beyond what is due is a credit: refunded (a negative payment) or
 * moved to another open order of the same client (two linked `avoir` rows). Payments never exceed
 * the balance, refunds and moves never the credit, so `0 ≤ paid ≤ total` always holds (the
 * `orders_money_range` check is the backstop) and no money is created or lost.
 */
import {
  type ApplyCreditInput,
  type Order,
  type OrderSummary,
  orderMoney,
  paymentStatusFor,
  type RefundInput,
} from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { formatNumber } from '../../lib/format-number.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { toOrderDto, toOrderSummary } from './order-dto.ts';
import { insertCreditTransfer, insertRefund, selectCreditTargets } from './order-money.repo.ts';
import { assertChangeable, assertManager, assertOrderVisible } from './order-rules.ts';
import { type OrderRow, readOrder, readOrders, updateOrder } from './orders.repo.ts';

const moneyOf = (row: OrderRow) =>
  orderMoney({
    total: row.totalAmount,
    returned: row.returnedAmount,
    paid: row.paidAmount,
    cancelled: row.deliveryStatus === 'annulee',
  });

/**
 * The order's new paid amount and the payment status that follows from it. A cancelled order's
 * status stays what it was when cancelled (how far the client had paid); its credit says the rest.
 */
function paidChange(row: OrderRow, paidAmount: number) {
  const paymentStatus =
    row.deliveryStatus === 'annulee' ? row.paymentStatus : paymentStatusFor(paidAmount, moneyOf(row).due);
  return { paidAmount, paymentStatus };
}

function exceeds(code: 'exceeds_credit' | 'exceeds_balance', limit: number): AppError {
  const what = code === 'exceeds_credit' ? 'l’avoir disponible' : 'le solde de la commande visée';
  return new AppError('validation_error', `Le montant dépasse ${what} (${formatNumber(limit)})`, {
    fields: [
      {
        field: 'amount',
        message: code === 'exceeds_credit' ? 'supérieur à l’avoir disponible' : 'supérieur au solde restant',
        code,
      },
    ],
    [code === 'exceeds_credit' ? 'credit' : 'balance']: limit,
  });
}

/** Gives money back to the client: an order manager, at most the order's credit. */
export async function refundPayment(ctx: WriteContext, id: string, input: RefundInput): Promise<Order> {
  const { tx, actor } = ctx;
  assertManager(actor);
  const before = assertChangeable(actor, await readOrder(tx, id, { lock: true }), input.version).order;
  const { credit } = moneyOf(before);
  if (input.amount > credit) throw exceeds('exceeds_credit', credit);
  const refund = await insertRefund(tx, {
    orderId: id,
    amount: input.amount,
    method: input.method,
    reference: input.reference,
    recordedBy: actor.userId,
    deviceId: actor.deviceId,
  });
  const after = await updateOrder(
    tx,
    id,
    paidChange(before, before.paidAmount - input.amount),
    before.version,
  );
  await recordAudit(ctx, {
    action: 'order.refund',
    entity: 'order',
    entityId: id,
    siteId: before.siteId,
    before: { paid_amount: before.paidAmount, payment_status: before.paymentStatus, version: before.version },
    after: {
      payment: refund,
      paid_amount: after.paidAmount,
      payment_status: after.paymentStatus,
      version: after.version,
    },
  });
  return toOrderDto((await readOrder(tx, id))!);
}

/**
 * Moves the order's credit to another open order of the same client and site, in one transaction:
 * both orders locked (in id order, as every multi-order lock), a credit out and a credit in.
 */
export async function applyCredit(ctx: WriteContext, id: string, input: ApplyCreditInput): Promise<Order> {
  const { tx, actor } = ctx;
  assertManager(actor);
  const invalid = (message: string) =>
    new AppError('credit_target_invalid', message, { target_order_id: input.target_order_id });
  if (input.target_order_id === id) throw invalid('L’avoir ne peut pas aller à la commande elle-même');
  const locked = await readOrders(tx, [id, input.target_order_id].sort(), { lock: true });
  const source = assertChangeable(
    actor,
    locked.find((found) => found.order.id === id),
    input.version,
  ).order;
  const found = locked.find((other) => other.order.id === input.target_order_id);
  if (!found)
    throw new AppError('not_found', 'Commande visée introuvable', { target_order_id: input.target_order_id });
  const target = found.order;
  assertOrderVisible(actor, target);
  if (target.siteId !== source.siteId || source.clientId === null || target.clientId !== source.clientId) {
    throw invalid('L’avoir ne peut aller qu’à une commande du même client, sur le même site');
  }
  if (target.deliveryStatus === 'annulee') throw invalid('Une commande annulée ne reçoit pas d’avoir');
  const { credit } = moneyOf(source);
  if (input.amount > credit) throw exceeds('exceeds_credit', credit);
  const { balance } = moneyOf(target);
  if (input.amount > balance) throw exceeds('exceeds_balance', balance);

  const transfer = await insertCreditTransfer(tx, {
    from: { orderId: source.id, number: source.number },
    to: { orderId: target.id, number: target.number },
    amount: input.amount,
    recordedBy: actor.userId,
    deviceId: actor.deviceId,
  });
  const sourceAfter = await updateOrder(
    tx,
    source.id,
    paidChange(source, source.paidAmount - input.amount),
    source.version,
  );
  const targetAfter = await updateOrder(
    tx,
    target.id,
    paidChange(target, target.paidAmount + input.amount),
    target.version,
  );
  for (const [order, after, payment] of [
    [source, sourceAfter, transfer.out],
    [target, targetAfter, transfer.in],
  ] as const) {
    await recordAudit(ctx, {
      action: order === source ? 'order.credit_out' : 'order.credit_in',
      entity: 'order',
      entityId: order.id,
      siteId: order.siteId,
      before: { paid_amount: order.paidAmount, payment_status: order.paymentStatus, version: order.version },
      after: {
        payment,
        paid_amount: after.paidAmount,
        payment_status: after.paymentStatus,
        version: after.version,
      },
    });
  }
  return toOrderDto((await readOrder(tx, id))!);
}

/** Where the order's credit may go: the client's other open orders of the site that still owe. */
export async function listCreditTargets(db: Db, actor: Actor, id: string): Promise<OrderSummary[]> {
  assertManager(actor);
  const found = await readOrder(db, id);
  if (!found) throw notFound('Commande');
  assertOrderVisible(actor, found.order);
  const { clientId, siteId } = found.order;
  if (!clientId) return [];
  const targets = await readOrders(db, await selectCreditTargets(db, { id, siteId, clientId }));
  return targets
    .map((target) => toOrderSummary(target.order, target.createdByName))
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}
