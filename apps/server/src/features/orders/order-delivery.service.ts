import type { ChangeStatusInput, Order } from '@gapal/shared';
import { type FinishTransaction, finishOnReturn } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, forbidden } from '../../domain/errors.ts';
import type { WriteActor, WriteContext } from '../../domain/write-context.ts';
import { notifyStockMovements } from '../notifications/notify.ts';
import { insufficientStock, takeStockForDocuments } from '../stock/stock-ledger.service.ts';
import { type DeliveryIssue, recordDeliveryIssues } from './order-delivery-issues.repo.ts';
import { toOrderDto } from './order-dto.ts';
import { assertChangeable, assertTransition, isOrderManager } from './order-rules.ts';
import { writeStatusChanges } from './order-status-change.ts';
import { type OrderAggregate, readOrders } from './orders.repo.ts';

/** `PATCH /api/orders/{id}/status/` with `livree`, as one of a batch. */
export type DeliveryRequest = {
  actor: Actor;
  id: string;
  input: Pick<ChangeStatusInput, 'version' | 'allow_expired'>;
};

/**
 * Delivers orders inside the caller's write (the one way an order becomes `livree`), each
 * request as its own actor (a batch's write is the queue's, order-delivery-queue.ts):
 * each is locked and checked as any status change, the stock of all of them is taken in one
 * statement per site (first-expired-first-out, `vente` movements with the order number as
 * reference), then their status, notifications and audit rows are written in one statement
 * (writeStatusChanges).
 *
 * Each request gets its order, or its own error: an order that can't be served (shortage, wrong
 * status, not visible, stale version) takes nothing and changes nothing, and does not stop the
 * others. The orders' locks and the status re-checked under them make a second delivery of an
 * order (a retry, another manager) a 409 that takes nothing. One request per order: the caller
 * (order-delivery-queue.ts) never puts an order twice in one call.
 */
export async function deliverOrders(
  ctx: WriteContext<WriteActor>,
  requests: readonly DeliveryRequest[],
  /** The transaction's end, sent behind the status write when pipelined (order-delivery-queue.ts). */
  finish: FinishTransaction = finishOnReturn,
): Promise<Array<Order | AppError>> {
  const { tx } = ctx;
  const ids = requests.map((request) => request.id);
  if (new Set(ids).size !== ids.length) throw new Error('deliverOrders: an order was given twice');
  const locked = new Map((await readOrders(tx, ids, { lock: true })).map((found) => [found.order.id, found]));

  const results: Array<Order | AppError | undefined> = requests.map(() => undefined);
  const accepted: { index: number; request: DeliveryRequest; before: OrderAggregate }[] = [];
  for (const [index, request] of requests.entries()) {
    try {
      accepted.push({ index, request, before: checkDelivery(request, locked.get(request.id)) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      results[index] = error;
    }
  }

  // The stock, one statement per site, sites in id order (every batch takes their locks alike).
  const sites = [...new Set(accepted.map((item) => item.before.order.siteId))].sort();
  const served: typeof accepted = [];
  const refused: DeliveryIssue[] = [];
  for (const siteId of sites) {
    const atSite = accepted.filter((item) => item.before.order.siteId === siteId);
    const outcomes = await takeStockForDocuments(
      ctx,
      atSite.map(({ request, before }) => ({
        actor: request.actor,
        lines: before.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
        reference: before.order.number,
        orderId: before.order.id,
        allowExpired: request.input.allow_expired === true,
      })),
      { siteId, type: 'vente' },
    );
    for (const [k, item] of atSite.entries()) {
      const outcome = outcomes[k]!;
      if ('shortages' in outcome) {
        const names = new Map(item.before.items.map((line) => [line.product_id, line.product_name]));
        const error = insufficientStock(outcome.shortages, names);
        results[item.index] = error;
        refused.push({ orderId: item.before.order.id, actor: item.request.actor, error });
      } else served.push(item);
    }
    await notifyStockMovements(
      ctx,
      siteId,
      outcomes.flatMap((outcome) => ('taken' in outcome ? outcome.taken : [])),
    );
  }
  // Kept on the order for its vendor (the refusal itself goes to the manager who asked).
  await recordDeliveryIssues(tx, refused);
  if (served.length === 0) return results.map((result) => result!);

  const after = await finish(
    writeStatusChanges(
      ctx,
      'livree',
      served.map(({ request, before }) => ({
        actor: request.actor,
        before: before.order,
        auditAfter: request.input.allow_expired ? { allow_expired: true } : undefined,
      })),
    ),
  );
  for (const [k, { index, before }] of served.entries()) {
    // Only the row changed: the items, payments and returns read under the lock still hold.
    results[index] = toOrderDto({ ...before, order: after[k]! });
  }
  return results.map((result) => result!);
}

/** The checks of a status change to `livree`, in the order every status change makes them. */
function checkDelivery(request: DeliveryRequest, found: OrderAggregate | undefined): OrderAggregate {
  const changeable = assertChangeable(request.actor, found, request.input.version);
  if (!isOrderManager(request.actor)) throw forbidden('Seul un gestionnaire des commandes change ce statut');
  assertTransition(changeable.order.deliveryStatus, 'livree');
  return changeable;
}
